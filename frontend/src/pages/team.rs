use super::access::RequirePermission;
use crate::api::{
    self, ApiError, ChangeMemberRole, InviteMember, Members, PendingInvitations, RemoveMember,
};
use crate::components::{Button, DataTable, Modal, SelectField, TextField, ToastKind, use_toasts};
use crate::i18n::{Msg, email_error_text, error_text, role_text, use_locale, use_text};
use crate::session::use_session;
use domain::access::{Permission, Role};
use domain::credentials::EmailAddress;
use leptos::prelude::*;

fn role_options(locale: domain::Locale, may_make_owners: bool) -> Vec<(String, String)> {
    Role::ALL
        .into_iter()
        .filter(|role| may_make_owners || *role != Role::Owner)
        .map(|role| (role.as_str().to_owned(), role_text(locale, role).to_owned()))
        .collect()
}

fn short_date(iso: &str) -> String {
    iso.get(..10).unwrap_or(iso).to_owned()
}

/// What removing a member or changing their role took away: key names (with prefixes) and
/// the addresses of withdrawn invitations.
#[derive(Clone, Default, PartialEq)]
struct Revoked {
    keys: Vec<String>,
    invitations: Vec<String>,
}

impl Revoked {
    /// From a payload's revoked keys (name, prefix) and withdrawn invitations' addresses.
    fn new(
        keys: impl Iterator<Item = (String, String)>,
        invitations: impl Iterator<Item = String>,
    ) -> Self {
        Revoked {
            keys: keys
                .map(|(name, prefix)| format!("{name} (duely_{prefix}_…)"))
                .collect(),
            invitations: invitations.collect(),
        }
    }

    fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.invitations.is_empty()
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    view! {
        <RequirePermission permission=Permission::ViewTeam>
            <Team/>
        </RequirePermission>
    }
}

#[component]
fn Team() -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let session = use_session();
    let manages = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::ManageTeam))
    };
    let may_make_owners = move || {
        session
            .current
            .get()
            .is_some_and(|s| s.can(Permission::TransferOwnership))
    };

    let reload = RwSignal::new(0u32);
    // The last removal's or role change's revocations, shown until the next one.
    let revoked = RwSignal::new(Revoked::default());
    let members = LocalResource::new(move || {
        reload.get();
        api::run::<Members>(api::members::Variables {})
    });
    let invitations = LocalResource::new(move || {
        reload.get();
        let manages = manages();
        async move {
            if manages {
                api::run::<PendingInvitations>(api::pending_invitations::Variables {})
                    .await
                    .map(|data| data.invitations)
            } else {
                Ok(Vec::new())
            }
        }
    });

    let change_role = move |user_id: String, role: String| {
        leptos::task::spawn_local(async move {
            let Some(role) = api::from_domain::<String, api::change_member_role::Role>(&role)
            else {
                return;
            };
            match api::run::<ChangeMemberRole>(api::change_member_role::Variables {
                input: api::change_member_role::ChangeMemberRoleInput { user_id, role },
            })
            .await
            {
                Ok(data) => {
                    toasts.push(ToastKind::Success, text(Msg::RoleChanged));
                    let payload = data.change_member_role;
                    revoked.set(Revoked::new(
                        payload
                            .revoked_api_keys
                            .into_iter()
                            .map(|key| (key.name, key.prefix)),
                        payload
                            .withdrawn_invitations
                            .into_iter()
                            .map(|invitation| invitation.email),
                    ));
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
            reload.update(|n| *n += 1);
        });
    };

    let removing = RwSignal::new(None::<(String, String)>);
    let confirm_open = RwSignal::new(false);
    let confirm_remove = move |_| {
        let Some((user_id, _)) = removing.get_untracked() else {
            return;
        };
        confirm_open.set(false);
        leptos::task::spawn_local(async move {
            match api::run::<RemoveMember>(api::remove_member::Variables {
                input: api::remove_member::RemoveMemberInput { user_id },
            })
            .await
            {
                Ok(data) => {
                    toasts.push(ToastKind::Success, text(Msg::MemberRemoved));
                    let payload = data.remove_member;
                    revoked.set(Revoked::new(
                        payload
                            .revoked_api_keys
                            .into_iter()
                            .map(|key| (key.name, key.prefix)),
                        payload
                            .withdrawn_invitations
                            .into_iter()
                            .map(|invitation| invitation.email),
                    ));
                }
                Err(error) => toasts.api_error(locale.get_untracked(), error),
            }
            reload.update(|n| *n += 1);
        });
    };

    let member_rows = move || {
        members
            .get()
            .and_then(|result| result.ok())
            .map(|data| data.members)
            .unwrap_or_default()
    };
    let headers = Signal::derive(move || {
        let mut headers = vec![
            text(Msg::NameLabel),
            text(Msg::Email),
            text(Msg::RoleLabel),
            text(Msg::Joined),
        ];
        if manages() {
            headers.push("");
        }
        headers
    });

    view! {
        <section class="page">
            <header class="page-header">
                <h1>{move || text(Msg::TeamTitle)}</h1>
                <p class="lead">{move || text(Msg::TeamLead)}</p>
            </header>
            <DataTable
                caption=Signal::derive(move || text(Msg::TeamTitle).to_owned())
                headers=headers
                row_count=Signal::derive(move || member_rows().len())
                empty=Signal::derive(move || text(Msg::Loading))
            >
                <For each=member_rows key=|member| (member.user.id.clone(), format!("{:?}", member.role)) let:member>
                    {
                        let user_id = member.user.id.clone();
                        let role: Role = api::to_domain(&member.role).unwrap_or(Role::Viewer);
                        let role_value = RwSignal::new(role.as_str().to_owned());
                        let remove_target = (member.user.id.clone(), member.user.name.clone());
                        Effect::new(move |previous: Option<String>| {
                            let current = role_value.get();
                            if previous.as_ref().is_some_and(|previous| *previous != current) {
                                change_role(user_id.clone(), current.clone());
                            }
                            current
                        });
                        view! {
                            <tr data-testid="member-row">
                                <td>{member.user.name.clone()}</td>
                                <td>{member.user.email.clone()}</td>
                                <td>
                                    {move || if manages() {
                                        view! {
                                            <SelectField
                                                name="member-role"
                                                label=Signal::derive(move || text(Msg::RoleLabel))
                                                value=role_value
                                                options=Signal::derive(move || role_options(locale.get(), may_make_owners() || role == Role::Owner))
                                            />
                                        }.into_any()
                                    } else {
                                        view! { <span>{move || role_text(locale.get(), role)}</span> }.into_any()
                                    }}
                                </td>
                                <td>{short_date(&member.joined_at)}</td>
                                <Show when=manages>
                                    <td>
                                        <button
                                            type="button"
                                            class="button button-secondary"
                                            on:click={
                                                let target = remove_target.clone();
                                                move |_| {
                                                    removing.set(Some(target.clone()));
                                                    confirm_open.set(true);
                                                }
                                            }
                                        >
                                            {move || text(Msg::Remove)}
                                        </button>
                                    </td>
                                </Show>
                            </tr>
                        }
                    }
                </For>
            </DataTable>
            <Show when=move || !revoked.with(Revoked::is_empty)>
                <div class="panel notice" role="status" data-testid="access-revoked">
                    <h2>{move || text(Msg::AccessRevokedTitle)}</h2>
                    <p>{move || text(Msg::AccessRevokedLead)}</p>
                    {move || {
                        let Revoked { keys, invitations } = revoked.get();
                        view! {
                            {(!keys.is_empty()).then(|| view! {
                                <h3>{move || text(Msg::RevokedKeys)}</h3>
                                <ul>{keys.into_iter().map(|key| view! { <li>{key}</li> }).collect_view()}</ul>
                            })}
                            {(!invitations.is_empty()).then(|| view! {
                                <h3>{move || text(Msg::WithdrawnInvitations)}</h3>
                                <ul>{invitations.into_iter().map(|email| view! { <li>{email}</li> }).collect_view()}</ul>
                            })}
                        }
                    }}
                </div>
            </Show>
            <Show when=manages>
                <InviteForm on_invited=move || reload.update(|n| *n += 1) may_make_owners=Signal::derive(may_make_owners)/>
                <div class="panel">
                    <h2>{move || text(Msg::PendingInvitations)}</h2>
                    {move || {
                        let pending = invitations.get().and_then(|result| result.ok()).unwrap_or_default();
                        if pending.is_empty() {
                            view! { <p class="muted">{move || text(Msg::NoPendingInvitations)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="invitation-list" data-testid="pending-invitations">
                                    {pending.into_iter().map(|invitation| {
                                        let role: Role = api::to_domain(&invitation.role).unwrap_or(Role::Viewer);
                                        view! {
                                            <li>
                                                <strong>{invitation.email.clone()}</strong>
                                                " · " {move || role_text(locale.get(), role)}
                                                " · " {move || text(Msg::Expires)} " " {short_date(&invitation.expires_at)}
                                                {invitation.invited_by.map(|sender| view! {
                                                    " · " {move || text(Msg::InvitedBy)} " " {sender.name}
                                                })}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }
                    }}
                </div>
            </Show>
            <Modal open=confirm_open title=Signal::derive(move || text(Msg::Remove).to_owned())>
                <p>{move || removing.get().map(|(_, name)| name).unwrap_or_default()}</p>
                <p>{move || text(Msg::RemoveConfirm)}</p>
                <div class="modal-actions">
                    <button type="button" class="button button-secondary" on:click=move |_| confirm_open.set(false)>{move || text(Msg::Cancel)}</button>
                    <button type="button" class="button button-danger" data-testid="confirm-remove" on:click=confirm_remove>{move || text(Msg::Remove)}</button>
                </div>
            </Modal>
        </section>
    }
}

#[component]
fn InviteForm(
    on_invited: impl Fn() + Copy + Send + Sync + 'static,
    may_make_owners: Signal<bool>,
) -> impl IntoView {
    let text = use_text();
    let locale = use_locale();
    let toasts = use_toasts();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Collector.as_str().to_owned());
    let submitted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let server_error = RwSignal::new(None::<String>);
    let email_error = Signal::derive(move || {
        submitted
            .get()
            .then(|| EmailAddress::parse(&email.get()).err())
            .flatten()
            .map(|error| email_error_text(locale.get(), &error).to_owned())
            .or_else(|| server_error.get())
    });
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        server_error.set(None);
        if EmailAddress::parse(&email.get_untracked()).is_err() {
            return;
        }
        let Some(chosen) =
            api::from_domain::<String, api::invite_member::Role>(&role.get_untracked())
        else {
            return;
        };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let result = api::run::<InviteMember>(api::invite_member::Variables {
                input: api::invite_member::InviteMemberInput {
                    email: email.get_untracked(),
                    role: chosen,
                },
            })
            .await;
            busy.set(false);
            match result {
                Ok(_) => {
                    toasts.push(ToastKind::Success, text(Msg::InvitationSent));
                    email.set(String::new());
                    submitted.set(false);
                    on_invited();
                }
                Err(failure @ ApiError::Api { field: Some(_), .. }) => {
                    server_error.set(Some(failure.text(locale.get_untracked())))
                }
                Err(ApiError::Api { code, .. }) => {
                    toasts.push(ToastKind::Error, error_text(locale.get_untracked(), code))
                }
                Err(ApiError::Network(_)) => toasts.push(
                    ToastKind::Error,
                    error_text(locale.get_untracked(), domain::ErrorCode::Internal),
                ),
            }
        });
    };
    view! {
        <form class="panel inline-form" novalidate on:submit=on_submit data-testid="invite-form">
            <h2>{move || text(Msg::InviteTitle)}</h2>
            <div class="field-row">
                <TextField name="invite-email" label=Signal::derive(move || text(Msg::Email)) value=email error=email_error input_type="email"/>
                <SelectField
                    name="invite-role"
                    label=Signal::derive(move || text(Msg::RoleLabel))
                    value=role
                    options=Signal::derive(move || role_options(locale.get(), may_make_owners.get()))
                />
            </div>
            <Button r#type="submit" busy=busy test_id="send-invitation">{move || text(Msg::Invite)}</Button>
        </form>
    }
}
