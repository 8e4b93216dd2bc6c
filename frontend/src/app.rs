//! The router and the layout every page shares.

use crate::api;
use crate::components::{GlobalSearchBox, ToastHost, ToastKind, use_toasts};
use crate::i18n::{LocaleSwitcher, Msg, provide_locale, use_locale, use_text};
use crate::pages::{
    AcceptInvitationPage, ForgotPasswordPage, HomePage, LoginPage, NotFoundPage, ResetPasswordPage,
    SignUpPage, SubscriptionNotice, VerifyEmailBanner, VerifyEmailPage,
};
use crate::routes;
use crate::session::{SessionStatus, provide_session, use_session};
use domain::access::Permission;
use leptos::prelude::*;
use leptos_router::Lazy;
use leptos_router::components::{A, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_query_map};
use leptos_router::path;
use wasm_bindgen::JsCast;

#[component]
pub fn App() -> impl IntoView {
    provide_locale();
    crate::components::provide_toasts();
    provide_session();
    crate::approval::provide_inbox_changed();
    // Someone who just signed in here gets the pages they most likely open next loaded in the
    // background while they read the overview (a session restored on a page load does not:
    // that page's own work comes first, and the modules are in the browser's cache by then).
    let session = use_session();
    Effect::new(move |previous: Option<SessionStatus>| {
        let status = session.status.get();
        if status == SessionStatus::SignedIn && previous == Some(SessionStatus::SignedOut) {
            routes::preload_common_pages();
        }
        status
    });
    view! {
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("/") view=HomePage/>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/signup") view=SignUpPage/>
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage/>
                    <Route path=path!("/reset-password/:token") view=ResetPasswordPage/>
                    <Route path=path!("/verify-email/:token") view=VerifyEmailPage/>
                    <Route path=path!("/account") view={Lazy::<routes::Account>::new()}/>
                    <Route path=path!("/customers") view={Lazy::<routes::Customers>::new()}/>
                    <Route path=path!("/customers/:id") view={Lazy::<routes::Customer>::new()}/>
                    <Route path=path!("/customers/:id/statement") view={Lazy::<routes::Statement>::new()}/>
                    <Route path=path!("/s/:token") view={Lazy::<routes::PublicStatement>::new()}/>
                    <Route path=path!("/invoices") view={Lazy::<routes::Invoices>::new()}/>
                    <Route path=path!("/invoices/new") view={Lazy::<routes::NewInvoice>::new()}/>
                    <Route path=path!("/invoices/:id") view={Lazy::<routes::Invoice>::new()}/>
                    <Route path=path!("/invoices/:id/edit") view={Lazy::<routes::EditInvoice>::new()}/>
                    <Route path=path!("/payments") view={Lazy::<routes::Payments>::new()}/>
                    <Route path=path!("/cash") view={Lazy::<routes::Cash>::new()}/>
                    <Route path=path!("/import") view={Lazy::<routes::Import>::new()}/>
                    <Route path=path!("/dunning") view={Lazy::<routes::Dunning>::new()}/>
                    <Route path=path!("/worklist") view={Lazy::<routes::Worklist>::new()}/>
                    <Route path=path!("/promises") view={Lazy::<routes::Promises>::new()}/>
                    <Route path=path!("/tasks") view={Lazy::<routes::Tasks>::new()}/>
                    <Route path=path!("/disputes") view={Lazy::<routes::Disputes>::new()}/>
                    <Route path=path!("/approvals") view={Lazy::<routes::Approvals>::new()}/>
                    <Route path=path!("/dashboard") view={Lazy::<routes::Dashboard>::new()}/>
                    <Route path=path!("/reports/aging") view={Lazy::<routes::Aging>::new()}/>
                    <Route path=path!("/reports/performance") view={Lazy::<routes::Performance>::new()}/>
                    <Route path=path!("/legal") view={Lazy::<routes::Legal>::new()}/>
                    <Route path=path!("/letters") view={Lazy::<routes::Letters>::new()}/>
                    <Route path=path!("/team") view={Lazy::<routes::Team>::new()}/>
                    <Route path=path!("/api-keys") view={Lazy::<routes::ApiKeys>::new()}/>
                    <Route path=path!("/audit") view={Lazy::<routes::Audit>::new()}/>
                    <Route path=path!("/billing") view={Lazy::<routes::Billing>::new()}/>
                    <Route path=path!("/settings") view={Lazy::<routes::Settings>::new()}/>
                    <Route path=path!("/settings/payments") view={Lazy::<routes::PaymentSettings>::new()}/>
                    <Route path=path!("/settings/profile") view={Lazy::<routes::CompanyProfile>::new()}/>
                    <Route path=path!("/settings/webhooks") view={Lazy::<routes::Webhooks>::new()}/>
                    <Route path=path!("/settings/messaging") view={Lazy::<routes::Messaging>::new()}/>
                    <Route path=path!("/payment-complete") view={Lazy::<routes::PaymentComplete>::new()}/>
                    <Route path=path!("/invite/:token") view=AcceptInvitationPage/>
                </Routes>
            </Layout>
            <ToastHost/>
        </Router>
    }
}

/// One link of the menu: where it goes, its text, and what the person must be allowed to do to
/// see it (the server enforces it regardless).
#[derive(Debug, Clone, Copy)]
struct NavLink {
    href: &'static str,
    label: Msg,
    permission: Permission,
}

/// A group of the menu, named for what people do there. Its toggle's test id is
/// `nav-group-<key>`.
#[derive(Debug, Clone, Copy)]
struct NavGroup {
    key: &'static str,
    label: Msg,
    links: &'static [NavLink],
}

const NAV_GROUPS: [NavGroup; 5] = [
    NavGroup {
        key: "today",
        label: Msg::NavGroupToday,
        links: &[
            NavLink {
                href: "/worklist",
                label: Msg::NavWorklist,
                permission: Permission::WorkCollections,
            },
            NavLink {
                href: "/tasks",
                label: Msg::NavTasks,
                permission: Permission::WorkCollections,
            },
            NavLink {
                href: "/promises",
                label: Msg::Promises,
                permission: Permission::WorkCollections,
            },
            NavLink {
                href: "/approvals",
                label: Msg::NavApprovals,
                permission: Permission::ManageInvoices,
            },
        ],
    },
    NavGroup {
        key: "receivables",
        label: Msg::NavGroupReceivables,
        links: &[
            NavLink {
                href: "/customers",
                label: Msg::NavCustomers,
                permission: Permission::ViewCustomers,
            },
            NavLink {
                href: "/invoices",
                label: Msg::NavInvoices,
                permission: Permission::ViewInvoices,
            },
            NavLink {
                href: "/payments",
                label: Msg::NavPayments,
                permission: Permission::ViewPayments,
            },
            NavLink {
                href: "/cash",
                label: crate::i18n::CashMsg::NavCash,
                permission: Permission::ViewPayments,
            },
            NavLink {
                href: "/disputes",
                label: Msg::NavDisputes,
                permission: Permission::ViewInvoices,
            },
        ],
    },
    NavGroup {
        key: "collections",
        label: Msg::NavGroupCollections,
        links: &[
            NavLink {
                href: "/dunning",
                label: Msg::NavDunning,
                permission: Permission::WorkCollections,
            },
            NavLink {
                href: "/letters",
                label: crate::i18n::DocumentsMsg::LettersTitle,
                permission: Permission::WorkCollections,
            },
            NavLink {
                href: "/legal",
                label: Msg::NavLegal,
                permission: Permission::WorkCollections,
            },
        ],
    },
    NavGroup {
        key: "reports",
        label: Msg::NavGroupReports,
        links: &[
            NavLink {
                href: "/dashboard",
                label: Msg::NavDashboard,
                permission: Permission::ViewReports,
            },
            NavLink {
                href: "/reports/aging",
                label: Msg::NavAging,
                permission: Permission::ViewReports,
            },
            NavLink {
                href: "/reports/performance",
                label: Msg::NavPerformance,
                permission: Permission::WorkCollections,
            },
        ],
    },
    NavGroup {
        key: "settings",
        label: Msg::NavGroupSettings,
        links: &[
            NavLink {
                href: "/settings",
                label: Msg::NavSettings,
                permission: Permission::ManageSettings,
            },
            NavLink {
                href: "/settings/payments",
                label: Msg::NavPaymentSettings,
                permission: Permission::ManageSettings,
            },
            NavLink {
                href: "/settings/profile",
                label: crate::i18n::DocumentsMsg::ProfileTitle,
                permission: Permission::ManageSettings,
            },
            NavLink {
                href: "/import",
                label: Msg::NavImport,
                permission: Permission::ManageCustomers,
            },
            NavLink {
                href: "/team",
                label: Msg::NavTeam,
                permission: Permission::ViewTeam,
            },
            NavLink {
                href: "/api-keys",
                label: Msg::NavApiKeys,
                permission: Permission::ManageApiKeys,
            },
            NavLink {
                href: "/settings/messaging",
                label: crate::i18n::MessagingMsg::Nav,
                permission: Permission::ManageDunning,
            },
            NavLink {
                href: "/settings/webhooks",
                label: crate::i18n::WebhooksMsg::Nav,
                permission: Permission::ManageWebhooks,
            },
            NavLink {
                href: "/audit",
                label: Msg::NavAudit,
                permission: Permission::ViewAuditLog,
            },
            NavLink {
                href: "/billing",
                label: Msg::NavBilling,
                permission: Permission::ManageBilling,
            },
        ],
    },
];

/// Whether `path` is the link's page or one below it (`/invoices/42` is under `/invoices`).
fn under(href: &str, path: &str) -> bool {
    let target = href.split_once('?').map_or(href, |(target, _)| target);
    path == target
        || path
            .strip_prefix(target)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Header with the brand, the navigation in groups, the search, the language switch and the
/// user; the page below it. On a laptop it is one row and each group opens a list below its
/// button; on a phone the "Menu" button shows all of it as one column.
#[component]
fn Layout(children: Children) -> impl IntoView {
    let text = use_text();
    let session = use_session();
    let location = use_location();
    // The group whose list is open (one at a time), and on a phone whether the menu is.
    let open_group = RwSignal::new(None::<&'static str>);
    let menu_open = RwSignal::new(false);
    let nav = NodeRef::<leptos::html::Nav>::new();
    let menu_button = NodeRef::<leptos::html::Button>::new();
    // Going anywhere closes what was open.
    Effect::new(move |_| {
        location.pathname.track();
        location.search.track();
        open_group.set(None);
        menu_open.set(false);
    });
    // A click anywhere outside the navigation closes an open group.
    let _ = window_event_listener(leptos::ev::click, move |event| {
        if open_group.get_untracked().is_none() {
            return;
        }
        let inside = nav
            .get_untracked()
            .zip(event.target())
            .is_some_and(|(nav, target)| {
                target
                    .dyn_ref::<web_sys::Node>()
                    .is_some_and(|target| nav.contains(Some(target)))
            });
        if !inside {
            open_group.set(None);
        }
    });
    // Escape closes the phone menu (an open group or the search box handle it first).
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" && !event.default_prevented() && menu_open.get_untracked() {
            menu_open.set(false);
            if let Some(button) = menu_button.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    view! {
        <a class="skip-link" href="#main">{move || text(Msg::SkipToContent)}</a>
        <header class="app-header" on:keydown=on_keydown>
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"D"</span>
                <span class="brand-name">"Duely"</span>
            </A>
            <button
                type="button"
                class="nav-menu-toggle"
                data-testid="nav-menu"
                node_ref=menu_button
                aria-controls="header-menu"
                aria-expanded=move || if menu_open.get() { "true" } else { "false" }
                on:click=move |_| menu_open.update(|open| *open = !*open)
            >
                <span class="nav-menu-icon" aria-hidden="true"></span>
                {move || text(Msg::NavMenu)}
            </button>
            <div class="header-menu" id="header-menu" class:header-menu-open=move || menu_open.get()>
                <nav class="app-nav" aria-label=move || text(Msg::MainNavigation) node_ref=nav>
                    <A href="/" exact=true>{move || text(Msg::NavOverview)}</A>
                    // The menu shows only what the role may do (the server enforces it regardless).
                    {NAV_GROUPS
                        .into_iter()
                        .map(|group| view! { <NavMenuGroup group=group open=open_group/> })
                        .collect_view()}
                    <Show when=move || session.status.get() == SessionStatus::SignedOut>
                        <A href="/login">{move || text(Msg::NavSignIn)}</A>
                        <A href="/signup">{move || text(Msg::NavSignUp)}</A>
                    </Show>
                </nav>
                <div class="header-tools">
                    <ApprovalsBadge/>
                    <GlobalSearchBox/>
                    <LocaleSwitcher/>
                    <UserMenu/>
                </div>
            </div>
        </header>
        <SubscriptionNotice/>
        <VerifyEmailBanner/>
        <main id="main" class="app-main" tabindex="-1">{children()}</main>
    }
}

/// One group: a button that opens the list of its links the person may use; hidden when there
/// is none. The group of the page you are on is marked, as its link is.
#[component]
fn NavMenuGroup(group: NavGroup, open: RwSignal<Option<&'static str>>) -> impl IntoView {
    let text = use_text();
    let session = use_session();
    let pathname = use_location().pathname;
    let key = group.key;
    let allowed = move |link: &NavLink| {
        session.current.with(|current| {
            current
                .as_ref()
                .is_some_and(|current| current.can(link.permission))
        })
    };
    let visible = move || group.links.iter().any(allowed);
    let expanded = move || open.get() == Some(key);
    let current = move || {
        pathname.with(|path| {
            group
                .links
                .iter()
                .any(|link| allowed(link) && under(link.href, path))
        })
    };
    let toggle = NodeRef::<leptos::html::Button>::new();
    let panel_id = format!("nav-panel-{key}");
    // Escape closes the list and puts the focus back on its button.
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" && open.get_untracked() == Some(key) {
            event.prevent_default();
            open.set(None);
            if let Some(button) = toggle.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    view! {
        <Show when=visible>
            <div class="nav-group" class:nav-group-current=current on:keydown=on_keydown>
                <button
                    type="button"
                    class="nav-group-toggle"
                    data-testid=format!("nav-group-{key}")
                    node_ref=toggle
                    aria-controls=panel_id.clone()
                    aria-expanded=move || if expanded() { "true" } else { "false" }
                    aria-current=move || current().then_some("true")
                    on:click=move |_| {
                        open.update(|open| *open = if *open == Some(key) { None } else { Some(key) });
                    }
                >
                    <span>{move || text(group.label)}</span>
                    <span class="nav-caret" aria-hidden="true"></span>
                </button>
                // A chosen link closes the list (also when it is the page already shown).
                <ul class="nav-panel" id=panel_id.clone() hidden=move || !expanded() on:click=move |_| open.set(None)>
                    {group
                        .links
                        .iter()
                        .copied()
                        .map(|link| {
                            view! {
                                <Show when=move || allowed(&link)>
                                    <li><NavEntry link=link/></li>
                                </Show>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        </Show>
    }
}

/// A link of the menu. `<A>` marks a link current by its path alone; a link with a query
/// (the disputes view of the invoice list) is current only when the query matches too.
#[component]
fn NavEntry(link: NavLink) -> impl IntoView {
    let text = use_text();
    let label = move || text(link.label);
    match link.href.split_once('?') {
        None => view! { <A href=link.href>{label}</A> }.into_any(),
        Some((path, wanted)) => {
            let location = use_location();
            let query = use_query_map();
            let current = move || {
                location.pathname.with(|now| now.as_str() == path)
                    && query.with(|query| {
                        wanted.split('&').all(|pair| {
                            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                            query.get(name).as_deref() == Some(value)
                        })
                    })
            };
            view! {
                <a href=link.href aria-current=move || current().then_some("page")>{label}</a>
            }
            .into_any()
        }
    }
}

/// The signed-in user and company, with their account page and sign-out.
#[component]
fn UserMenu() -> impl IntoView {
    let text = use_text();
    let session = use_session();
    let navigate = leptos_router::hooks::use_navigate();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            session.log_out().await;
            navigate("/login", Default::default());
        });
    };
    view! {
        {move || session.current.get().map(|current| view! {
            <div class="user-menu">
                <span class="user-menu-who" title=move || text(Msg::SignedInAs)>
                    <span class="user-menu-company" data-testid="header-company">{current.tenant_name.clone()}</span>
                    <span class="user-menu-name">{current.user_name.clone()}</span>
                </span>
                <A href="/account" attr:class="button button-secondary" attr:data-testid="account-link">
                    {move || text(Msg::NavAccount)}
                </A>
                <CompanySwitcher/>
                <button type="button" class="button button-secondary" data-testid="sign-out" on:click=sign_out.clone()>
                    {move || text(Msg::SignOut)}
                </button>
            </div>
        })}
    }
}

/// The companies the user belongs to, shown when there is more than one. Choosing one switches
/// the session to it (new tokens, new role, so a new menu) and returns to the overview.
#[component]
fn CompanySwitcher() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let session = use_session();
    let toasts = use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let companies = RwSignal::new(Vec::<(String, String)>::new());
    // Only the company matters here: a silent token refresh must not reload the list.
    let current_tenant = Memo::new(move |_| {
        session
            .current
            .with(|current| current.as_ref().map(|current| current.tenant_id.clone()))
    });
    Effect::new(move |_| {
        if current_tenant.get().is_none() {
            companies.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(data) = api::run::<api::Me>(api::me::Variables {}).await {
                companies.set(
                    data.me
                        .memberships
                        .into_iter()
                        .map(|membership| (membership.tenant.id, membership.tenant.name))
                        .collect(),
                );
            }
        });
    });
    let switch_to = move |tenant_id: String| {
        if Some(&tenant_id) == current_tenant.get_untracked().as_ref() {
            return;
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let result = api::run::<api::SwitchTenant>(api::switch_tenant::Variables {
                input: api::switch_tenant::SwitchTenantInput { tenant_id },
            })
            .await;
            match result {
                Ok(data) => {
                    let session_now: crate::session::Session = data.switch_tenant.into();
                    let name = session_now.tenant_name.clone();
                    session.start(session_now);
                    toasts.push(
                        ToastKind::Success,
                        format!("{} {name}", text(Msg::SwitchedCompany)),
                    );
                    navigate("/", Default::default());
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
        });
    };
    view! {
        <Show when=move || companies.with(|companies| companies.len() > 1)>
            <label class="company-switcher">
                <span class="visually-hidden">{move || text(Msg::SwitchCompany)}</span>
                <select
                    data-testid="company-switcher"
                    prop:value=move || current_tenant.get().unwrap_or_default()
                    on:change={
                        let switch_to = switch_to.clone();
                        move |event| switch_to(event_target_value(&event))
                    }
                >
                    {move || {
                        let current = current_tenant.get();
                        companies
                            .get()
                            .into_iter()
                            .map(|(id, name)| {
                                let selected = Some(&id) == current.as_ref();
                                view! { <option value=id selected=selected>{name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
        </Show>
    }
}

/// The count of requests awaiting my decision, beside the search: shown to those who decide
/// approvals when there is one, read again on every page change.
#[component]
fn ApprovalsBadge() -> impl IntoView {
    let text = use_text();
    let session = use_session();
    let location = use_location();
    let count = RwSignal::new(0i64);
    let changed = crate::approval::use_inbox_changed();
    Effect::new(move |_| {
        location.pathname.track();
        changed.track();
        let decides = session
            .current
            .get()
            .is_some_and(|current| domain::approvals::may_decide(current.role));
        if !decides {
            count.set(0);
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(data) =
                api::run::<api::AwaitingMyApproval>(api::awaiting_my_approval::Variables {}).await
            {
                count.set(data.approval_requests.total_count);
            }
        });
    });
    view! {
        <Show when=move || { count.get() > 0 }>
            <A href="/approvals" attr:class="approvals-badge" attr:data-testid="approvals-badge">
                {move || text(Msg::NavApprovals)}
                " "<span class="badge badge-danger" data-testid="approvals-badge-count">{move || count.get()}</span>
            </A>
        </Show>
    }
}
