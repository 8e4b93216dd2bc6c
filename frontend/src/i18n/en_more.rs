//! The English text of the disputes queue's, the contacts editor's and the money screens' messages.

use super::msg_more::{ContactMsg, DisputeMsg, MoneyMsg};

#[rustfmt::skip]
pub(super) fn dispute(msg: DisputeMsg) -> &'static str {
    use DisputeMsg::*;
    match msg {
        DisputesLead => "Open disputes by owner, reason and age, with the customer's own words. Give each one an owner and a date to settle it by, then resolve it with a note the customer can be sent.",
        DisputeStatusOpen => "Open",
        DisputeStatusResolved => "Resolved",
        DisputeStatusRejected => "Rejected",
        DisputeOwner => "Owner",
        DisputeAnyOwner => "Anyone",
        DisputeNoOwner => "No one",
        DisputeReasonLabel => "Reason",
        DisputeReasonPrice => "Price",
        DisputeReasonQuantity => "Quantity",
        DisputeReasonQuality => "Quality",
        DisputeReasonNotReceived => "Not received",
        DisputeReasonDuplicate => "Duplicate invoice",
        DisputeReasonAlreadyPaid => "Already paid",
        DisputeReasonTerms => "Terms",
        DisputeReasonOther => "Other",
        DisputeInvoiceColumn => "Invoice",
        DisputeNoteColumn => "Note",
        DisputeCustomerWords => "Customer's words",
        DisputeDueOn => "Due on",
        DisputeDueOnHint => "From today to a year on; leave it empty for no date.",
        DisputeAge => "Open for",
        DisputeAgeDays => "{n} days",
        DisputeAgeOneDay => "1 day",
        DisputeResolution => "Resolution",
        DisputeAssign => "Assign",
        DisputeAssignTitle => "Assign the dispute",
        DisputeUpdated => "Dispute updated.",
        DisputeResolveTitle => "Resolve the dispute",
        DisputeOutcome => "Outcome",
        DisputeOutcomeResolved => "Resolved: the customer's point is accepted",
        DisputeOutcomeRejected => "Rejected: the invoice stands as issued",
        DisputeResolutionNote => "Resolution note (can be sent to the customer)",
        DisputeResolutionNoteHint => "Write it as you would to the customer: what was decided and what happens next.",
        DisputeNoteRequired => "Write the note for the customer.",
        DisputeResolvedToast => "Dispute resolved.",
        DisputeRejectedToast => "Dispute rejected.",
        DisputeOpenedByLabel => "Opened by",
    }
}

#[rustfmt::skip]
pub(super) fn contact(msg: ContactMsg) -> &'static str {
    use ContactMsg::*;
    match msg {
        ContactsBillingHint => "Invoices, statements and dunning go to the contacts ticked to receive them; when none is, to the first contact with an email address.",
        ContactLegend => "Contact",
        ContactPersonName => "Name",
        ContactRole => "Role",
        ContactPhone => "Phone",
        ContactMobile => "Mobile",
        ContactWechatId => "WeChat ID",
        ContactPreferredChannel => "Preferred channel",
        ContactNoChannel => "No preference",
        ContactLocale => "Language",
        ContactLocaleCustomer => "The customer's language",
        ContactBilling => "Receives invoices, statements and dunning",
        ContactBillingBadge => "Billing",
        AddContact => "Add contact",
        RemoveContact => "Remove contact",
        NoContacts => "No contacts yet.",
        CustomerTagsLabel => "Tags",
        CustomerTagsHint => "Separated by commas",
        ArchiveCustomer => "Archive",
        ArchiveCustomerTitle => "Archive this customer",
        ArchiveCustomerConfirm => "An archived customer leaves the customer list and can take no new invoices; its history stays. You can restore it at any time.",
        CustomerArchivedBadge => "Archived",
        RestoreCustomer => "Restore",
        CustomerArchivedDone => "Customer archived.",
        CustomerRestored => "Customer restored.",
    }
}

#[rustfmt::skip]
pub(super) fn money(msg: MoneyMsg) -> &'static str {
    use MoneyMsg::*;
    match msg {
        ImportPayments => "Receipts",
        PaymentImportGroupHint => "One row per invoice a payment pays: the rows of one payment share its external_id (its id in the other system) and agree on its customer, date, amount, currency, method and reference.",
        PaymentImportOnceHint => "A payment whose external_id was imported before is skipped, so importing the same file again records nothing twice.",
        PaymentImportAllocateHint => "invoice_number and allocated_amount, both or neither, apply that amount to the customer's invoice; a payment without them pays the customer's oldest due invoices first, and what is left stays as the customer's unapplied credit.",
        ImportSkippedCount => "{n} skipped (already imported)",
        Installments => "Installments",
        NoInstallmentPlan => "No installment plan: the whole balance falls due on the due date.",
        InstallmentNumber => "Installment",
        EditInstallments => "Edit plan",
        AddInstallment => "Add installment",
        SplitEvenly => "Split evenly",
        RemoveInstallments => "Remove plan",
        InstallmentsHint => "Give 2 to 60 installments that add up to the invoice total, each due on or after the issue date and after the one before. Aging and reminders then follow each installment's own due date, and payments settle the installments in order.",
        InstallmentsAddUpTo => "Installments add up to",
        InstallmentDueDateRequired => "Choose the installment's due date.",
        InstallmentsSaved => "Installment plan saved.",
        InstallmentsRemoved => "Installment plan removed.",
    }
}

#[rustfmt::skip]
pub(super) fn promise(msg: super::msg_more::PromiseMsg) -> &'static str {
    use super::msg_more::PromiseMsg::*;
    match msg {
        CancelPromise => "Cancel",
        CancelPromiseTitle => "Cancel this promise",
        CancelPromiseLead => "Cancel a promise the customer withdrew or that was logged by mistake: it is no longer judged kept or broken.",
        CancelPromiseReason => "Reason (optional)",
        CancelPromiseNoReason => "Cancelled without a reason given",
        ConfirmCancelPromise => "Cancel the promise",
        PromiseCancelledToast => "Promise cancelled.",
        CorrectActivity => "Correct",
        CorrectActivityTitle => "Correct this activity",
        CorrectActivityHint => "You can correct an activity you logged for 24 hours after logging it; the change is kept in the audit log.",
        SaveActivityCorrection => "Save correction",
        ActivityCorrected => "Activity corrected.",
    }
}

#[rustfmt::skip]
pub(super) fn alloc(msg: super::msg_more::AllocMsg) -> &'static str {
    use super::msg_more::AllocMsg::*;
    match msg {
        AllocHint => "Oldest due first is proposed; change what goes to each invoice as the customer asked. What is not applied stays with the customer as credit.",
        AllocNeedsAmount => "Choose the customer and enter the amount to pick the invoices it pays.",
        AllocInvoiceColumn => "Invoice",
        AllocApplyColumn => "Apply",
        AllocApplyTo => "Apply to {number}",
        AllocPropose => "Propose oldest first",
        AllocTotal => "Allocated",
        AllocOverAmount => "More is allocated than the amount received.",
    }
}

#[rustfmt::skip]
pub(super) fn ladder(msg: super::msg_more::LadderMsg) -> &'static str {
    use super::msg_more::LadderMsg::*;
    match msg {
        LadderSegments => "Segments",
        LadderNoSegments => "No segment follows this ladder.",
        LadderSegmentField => "Segment",
        LadderSegmentHint => "Every customer of this segment without a ladder of its own follows this ladder; a segment follows one ladder at a time.",
        LadderAssignSegment => "Use for this segment",
        LadderSegmentRequired => "Enter the segment, as it is written on the customers.",
        LadderSegmentAssigned => "The segment now follows this ladder.",
        RunScheduled => "Scheduled",
        RunManual => "Run by hand",
    }
}
