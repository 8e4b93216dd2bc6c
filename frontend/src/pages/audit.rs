use super::access::RequirePermission;
use crate::api::{self, AuditLog};
use crate::components::DataTable;
use crate::i18n::{Msg, use_text};
use domain::access::Permission;
use leptos::prelude::*;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewAuditLog>
            <Audit/>
        </RequirePermission>
    }
}

type Entry = api::audit_log::AuditLogAuditLogEdgesNode;

#[component]
fn Audit() -> impl IntoView {
    let text = use_text();
    let entries = RwSignal::new(Vec::<Entry>::new());
    let cursor = RwSignal::new(None::<String>);
    let has_more = RwSignal::new(false);
    let total = RwSignal::new(0i64);
    let load = move || {
        let after = cursor.get_untracked();
        leptos::task::spawn_local(async move {
            if let Ok(data) = api::run::<AuditLog>(api::audit_log::Variables {
                first: Some(50),
                after,
            })
            .await
            {
                let page = data.audit_log;
                total.set(page.total_count);
                has_more.set(page.page_info.has_next_page);
                cursor.set(page.page_info.end_cursor);
                entries.update(|all| all.extend(page.edges.into_iter().map(|edge| edge.node)));
            }
        });
    };
    load();
    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::AuditTitle)}</h1>
                <p class="lead">{move || text(Msg::AuditLead)}</p>
            </header>
            <DataTable
                caption=Signal::derive(move || format!("{} ({})", text(Msg::AuditTitle), total.get()))
                headers=Signal::derive(move || vec![text(Msg::When), text(Msg::Who), text(Msg::What), text(Msg::Entity)])
                row_count=Signal::derive(move || entries.get().len())
                empty=Signal::derive(move || text(Msg::NoEntries))
            >
                <For each=move || entries.get() key=|entry| entry.id.clone() let:entry>
                    <tr data-testid="audit-row">
                        <td>{entry.occurred_at.get(..19).unwrap_or(&entry.occurred_at).replace('T', " ")}</td>
                        <td>{entry.actor.clone()}</td>
                        <td><code>{entry.action.clone()}</code></td>
                        <td>{entry.entity_type.clone()}</td>
                    </tr>
                </For>
            </DataTable>
            <Show when=move || has_more.get()>
                <button type="button" class="button button-secondary" on:click=move |_| load()>{move || text(Msg::LoadMore)}</button>
            </Show>
        </section>
    }
}
