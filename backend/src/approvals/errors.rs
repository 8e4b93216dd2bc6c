//! Why approval use cases refuse a request; the `From` below is the one place they become a
//! code, a reason and the input field at fault.

use crate::error::AppError;
use domain::approvals::PolicyProblem;
use domain::reason::{Entity, Reason};

#[derive(Debug, Clone, PartialEq)]
pub enum ApprovalError {
    /// No request with this id in the company, or none the caller may see.
    NotFound,
    /// The policy cannot be saved.
    Policy(PolicyProblem),
    /// A level names both a role and a member (`field`).
    LevelBoth { field: String },
    /// A level names neither a role nor a member (`field`).
    LevelNeither { field: String },
    /// The request was decided, cancelled or expired already.
    NotPending { status: &'static str },
    /// The maker tried to decide their own request.
    MakerCannotDecide,
    /// The policy names someone else for level `level` (from 1).
    NotAnApprover { level: u32 },
    /// The person decided an earlier level.
    DecidedEarlierLevel,
    /// A cancel from someone other than the maker, an owner or an admin.
    CancelMakerOrAdmin,
    /// A rejection needs its comment.
    CommentRequired,
}

impl From<ApprovalError> for AppError {
    fn from(error: ApprovalError) -> Self {
        match error {
            ApprovalError::NotFound => AppError::refused(Reason::RecordNotFound {
                entity: Entity::ApprovalRequest,
            }),
            ApprovalError::Policy(problem) => {
                let field = problem.field();
                let reason = match problem {
                    PolicyProblem::TooManyThresholds { max } => Reason::CountOutOfRange {
                        min: 0,
                        max: max as u32,
                    },
                    PolicyProblem::NoLevels { .. } | PolicyProblem::TooManyLevels { .. } => {
                        Reason::CountOutOfRange {
                            min: 1,
                            max: domain::approvals::MAX_LEVELS as u32,
                        }
                    }
                    PolicyProblem::NegativeAbove { .. } => Reason::Negative {},
                    PolicyProblem::RepeatedThreshold { .. } => Reason::Duplicate {},
                    PolicyProblem::RoleCannotDecide { role, .. } => {
                        Reason::ApprovalRoleCannotDecide {
                            role: role.as_str().to_owned(),
                        }
                    }
                    PolicyProblem::NoEligibleApprover { .. } => Reason::NoEligibleApprover {},
                };
                AppError::input(field, reason)
            }
            ApprovalError::LevelBoth { field } => AppError::input(field, Reason::EitherNotBoth {}),
            ApprovalError::LevelNeither { field } => AppError::input(field, Reason::Required {}),
            ApprovalError::NotPending { status } => AppError::refused(Reason::ApprovalNotPending {
                status: status.to_owned(),
            }),
            ApprovalError::MakerCannotDecide => {
                AppError::refused(Reason::ApprovalMakerCannotDecide {})
            }
            ApprovalError::NotAnApprover { level } => {
                AppError::refused(Reason::ApprovalNotAnApprover { level })
            }
            ApprovalError::DecidedEarlierLevel => {
                AppError::refused(Reason::ApprovalDecidedEarlierLevel {})
            }
            ApprovalError::CancelMakerOrAdmin => {
                AppError::refused(Reason::ApprovalCancelMakerOrAdmin {})
            }
            ApprovalError::CommentRequired => AppError::input("input.comment", Reason::Required {}),
        }
    }
}
