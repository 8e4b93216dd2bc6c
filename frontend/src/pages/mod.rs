//! One module per screen.

mod accept_invitation;
mod access;
mod api_keys;
mod audit;
mod home;
mod login;
mod not_found;
mod signup;
mod team;

pub use accept_invitation::AcceptInvitationPage;
pub use api_keys::ApiKeysPage;
pub use audit::AuditPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use signup::SignUpPage;
pub use team::TeamPage;
