//! The component kit every page builds on: buttons, form fields with their errors, tables,
//! toasts, a modal, and loading and progress indicators. Styles live in `style/app.css`.

mod attachments;
mod charts;
mod feedback;
mod form;
mod modal;
mod schedule_task;
mod search;
mod table;
mod toast;

pub use attachments::{Attachments, AttachmentsToggle};
pub use charts::{LineChart, Segment, Series, StackedBar};
pub use feedback::{ProgressBar, Spinner};
pub use form::{Button, ButtonKind, SelectField, TextField, field_error};
pub use modal::Modal;
pub use schedule_task::{
    ScheduleTask, TASK_KINDS, create_task, enum_name, task_kind_msg, use_collectors, use_works_all,
};
pub use search::GlobalSearchBox;
pub use table::DataTable;
pub use toast::{ToastHost, ToastKind, Toasts, provide_toasts, use_toasts};
