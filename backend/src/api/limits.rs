//! Document limits async-graphql does not enforce itself: aliases and root fields.
//!
//! Depth and complexity bound how much one field tree costs, but aliases repeat an expensive
//! field under new names (`a: kpis(...) b: kpis(...) ...`) and root fields each start their
//! own resolver, so both are capped per document before validation runs. The walk follows
//! fragment spreads (a fragment used ten times counts ten times) and gives up early past a
//! fixed number of visited selections, so a document built to explode under expansion costs
//! us little.

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, ServerError, ServerResult};
use std::collections::{HashMap, HashSet};

/// Aliased fields in one document.
pub const MAX_ALIASES: usize = 30;
/// Fields selected at the root of one operation.
pub const MAX_ROOT_FIELDS: usize = 20;
/// Selections visited while counting; a sane document never comes near it.
const MAX_VISITED: usize = 10_000;
/// Selection sets nested while counting, fragments spread included. The walk runs before
/// async-graphql's own depth checks, and a chain of fragments has no nesting cap of the
/// parser's, so the walk bounds its own recursion (and the stack of the thread it runs on).
const MAX_NESTING: usize = 64;

/// Keeps only the selected operation (`operationName`) of a parsed `document` and refuses it
/// past the limits; run on every request, after the parse (which may come from
/// `api::documents`).
///
/// A document may hold many operations (the web app sends each of its files whole, naming the
/// one to run), and async-graphql validates, and adds up the complexity of, all of them. Only
/// the selected one runs, so only it and the fragments it spreads are kept: its cost is what is
/// measured against the limits, however many operations share its document.
pub fn limit(
    operation_name: Option<&str>,
    mut document: ExecutableDocument,
) -> ServerResult<ExecutableDocument> {
    if let Some(name) = operation_name
        && !keep_only(&mut document, name)
    {
        return Err(ServerError::new(
            format!(r#"Unknown operation named "{name}""#),
            None,
        ));
    }
    check(&document).map_err(|message| ServerError::new(message, None))?;
    Ok(document)
}

/// Drops every operation but `name` and the fragments it does not reach; `false` when a
/// document of several operations has none of that name. A document of one operation is left
/// as it is (execution checks its name).
pub fn keep_only(document: &mut ExecutableDocument, name: &str) -> bool {
    let DocumentOperations::Multiple(operations) = &mut document.operations else {
        return true;
    };
    if !operations.contains_key(name) {
        return false;
    }
    operations.retain(|operation, _| operation.as_str() == name);
    let mut reached: HashSet<Name> = HashSet::new();
    let mut pending: Vec<&SelectionSet> = operations
        .values()
        .map(|operation| &operation.node.selection_set.node)
        .collect();
    // Each fragment is walked once, so a cycle (refused later by validation) ends here too.
    while let Some(set) = pending.pop() {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => pending.push(&field.node.selection_set.node),
                Selection::InlineFragment(inline) => pending.push(&inline.node.selection_set.node),
                Selection::FragmentSpread(spread) => {
                    let fragment = &spread.node.fragment_name.node;
                    if reached.insert(fragment.clone())
                        && let Some(definition) = document.fragments.get(fragment)
                    {
                        pending.push(&definition.node.selection_set.node);
                    }
                }
            }
        }
    }
    document
        .fragments
        .retain(|fragment, _| reached.contains(fragment));
    true
}

/// Refuses a document over either limit, with a message that names the limit.
pub fn check(document: &ExecutableDocument) -> Result<(), String> {
    let mut walk = Walk {
        fragments: &document.fragments,
        aliases: 0,
        visited: 0,
        nesting: 0,
        stack: Vec::new(),
    };
    for (_, operation) in document.operations.iter() {
        let selection_set = &operation.node.selection_set.node;
        let root_fields = walk.root_fields(selection_set)?;
        if root_fields > MAX_ROOT_FIELDS {
            return Err(format!(
                "The operation selects {root_fields} root fields; at most {MAX_ROOT_FIELDS} are allowed. Split it into several requests."
            ));
        }
        walk.count_aliases(selection_set)?;
    }
    Ok(())
}

struct Walk<'a> {
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    aliases: usize,
    visited: usize,
    /// Selection sets entered and not yet left.
    nesting: usize,
    /// Fragments being expanded, so a cycle (refused later by validation) ends the walk here.
    stack: Vec<&'a Name>,
}

impl<'a> Walk<'a> {
    fn visit(&mut self) -> Result<(), String> {
        self.visited += 1;
        if self.visited > MAX_VISITED {
            return Err("The query is too large once its fragments are expanded.".to_owned());
        }
        Ok(())
    }

    fn fragment(&mut self, name: &'a Name) -> Option<&'a SelectionSet> {
        if self.stack.contains(&name) {
            return None;
        }
        self.fragments
            .get(name)
            .map(|fragment| &fragment.node.selection_set.node)
    }

    /// Runs `walk` one selection set deeper, refusing past `MAX_NESTING`.
    fn nested<T>(
        &mut self,
        walk: impl FnOnce(&mut Self) -> Result<T, String>,
    ) -> Result<T, String> {
        if self.nesting == MAX_NESTING {
            return Err(format!(
                "The query nests selections more than {MAX_NESTING} deep once its fragments are expanded."
            ));
        }
        self.nesting += 1;
        let result = walk(self);
        self.nesting -= 1;
        result
    }

    fn root_fields(&mut self, set: &'a SelectionSet) -> Result<usize, String> {
        self.nested(|walk| walk.root_fields_within(set))
    }

    fn root_fields_within(&mut self, set: &'a SelectionSet) -> Result<usize, String> {
        let mut count = 0;
        for selection in &set.items {
            self.visit()?;
            count += match &selection.node {
                Selection::Field(_) => 1,
                Selection::InlineFragment(inline) => {
                    self.root_fields(&inline.node.selection_set.node)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    match self.fragment(name) {
                        Some(fragment) => {
                            self.stack.push(name);
                            let inner = self.root_fields(fragment);
                            self.stack.pop();
                            inner?
                        }
                        None => 0,
                    }
                }
            };
        }
        Ok(count)
    }

    fn count_aliases(&mut self, set: &'a SelectionSet) -> Result<(), String> {
        self.nested(|walk| walk.count_aliases_within(set))
    }

    fn count_aliases_within(&mut self, set: &'a SelectionSet) -> Result<(), String> {
        for selection in &set.items {
            self.visit()?;
            match &selection.node {
                Selection::Field(field) => {
                    if field.node.alias.is_some() {
                        self.aliases += 1;
                        if self.aliases > MAX_ALIASES {
                            return Err(format!(
                                "The query uses more than {MAX_ALIASES} aliases, which is the most allowed."
                            ));
                        }
                    }
                    self.count_aliases(&field.node.selection_set.node)?;
                }
                Selection::InlineFragment(inline) => {
                    self.count_aliases(&inline.node.selection_set.node)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if let Some(fragment) = self.fragment(name) {
                        self.stack.push(name);
                        let inner = self.count_aliases(fragment);
                        self.stack.pop();
                        inner?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn checked(query: &str) -> Result<(), String> {
        check(&parse_query(query).unwrap())
    }

    fn aliased(count: usize) -> String {
        let fields: Vec<String> = (0..count).map(|i| format!("a{i}: __typename")).collect();
        format!("{{ me {{ {} }} }}", fields.join(" "))
    }

    #[test]
    fn aliases_up_to_the_limit_pass_and_one_more_fails() {
        assert_eq!(checked(&aliased(MAX_ALIASES)), Ok(()));
        let error = checked(&aliased(MAX_ALIASES + 1)).unwrap_err();
        assert!(error.contains("aliases"), "{error}");
    }

    #[test]
    fn aliases_inside_a_fragment_count_each_time_it_is_spread() {
        let query = "query { me { ...F ...F } } fragment F on Me { a: __typename b: __typename c: __typename d: __typename e: __typename f: __typename g: __typename h: __typename i: __typename j: __typename k: __typename l: __typename m: __typename n: __typename o: __typename p: __typename }";
        assert!(checked(query).is_err());
    }

    #[test]
    fn root_fields_count_through_fragments() {
        let fields: Vec<String> = (0..MAX_ROOT_FIELDS)
            .map(|_| "__typename".to_owned())
            .collect();
        let at_limit = format!("query {{ {} }}", fields.join(" "));
        assert_eq!(checked(&at_limit), Ok(()));
        let over = format!(
            "query {{ ...R {} }} fragment R on Query {{ serverInfo {{ version }} }}",
            fields.join(" ")
        );
        let error = checked(&over).unwrap_err();
        assert!(error.contains("root fields"), "{error}");
    }

    #[test]
    fn a_fragment_cycle_or_explosion_ends_the_walk() {
        assert_eq!(
            checked("query { ...A } fragment A on Query { ...A }"),
            Ok(())
        );
        let mut query = String::from("query { ...F0 }");
        for level in 0..20 {
            let next = level + 1;
            query.push_str(&format!(
                " fragment F{level} on Query {{ ...F{next} ...F{next} }}"
            ));
        }
        query.push_str(" fragment F20 on Query { __typename }");
        let error = checked(&query).unwrap_err();
        assert!(error.contains("too large"), "{error}");
    }

    #[test]
    fn a_long_chain_of_fragments_is_refused_without_recursing_down_it() {
        // Each fragment spreads the next: the parser caps nesting within one definition only,
        // and this walk runs before async-graphql's depth check.
        let links = 10_000;
        let mut query = String::from("query { ...F0 }");
        for link in 0..links {
            let next = link + 1;
            query.push_str(&format!(" fragment F{link} on Query {{ ...F{next} }}"));
        }
        query.push_str(&format!(" fragment F{links} on Query {{ __typename }}"));
        let error = checked(&query).unwrap_err();
        assert!(error.contains("deep"), "{error}");
        // A document as deep as the API allows passes.
        let mut nested = String::from("__typename");
        for _ in 0..16 {
            nested = format!("me {{ {nested} }}");
        }
        assert_eq!(checked(&format!("query {{ {nested} }}")), Ok(()));
    }
}
