use leptos::prelude::*;

/// A table with a caption and column headers; rows come as children (`<tr>` elements). With no
/// rows, `empty` is shown across the table.
#[component]
pub fn DataTable(
    #[prop(into)] caption: Signal<String>,
    #[prop(into)] headers: Signal<Vec<&'static str>>,
    #[prop(into)] row_count: Signal<usize>,
    #[prop(into)] empty: Signal<&'static str>,
    children: ChildrenFn,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table">
                <caption>{move || caption.get()}</caption>
                <thead>
                    <tr>
                        {move || {
                            headers
                                .get()
                                .into_iter()
                                .map(|header| view! { <th scope="col">{header}</th> })
                                .collect_view()
                        }}
                    </tr>
                </thead>
                <tbody>
                    <Show
                        when=move || { row_count.get() > 0 }
                        fallback=move || {
                            view! {
                                <tr>
                                    <td class="table-empty" colspan=move || headers.get().len().to_string()>
                                        {move || empty.get()}
                                    </td>
                                </tr>
                            }
                        }
                    >
                        {children()}
                    </Show>
                </tbody>
            </table>
        </div>
    }
}
