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
        ContactWecomId => "WeChat Work contact ID",
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

#[rustfmt::skip]
pub(super) fn kpi(msg: super::msg_more::KpiMsg) -> &'static str {
    use super::msg_more::KpiMsg::*;
    match msg {
        KpiPeriod => "Period",
        KpiMonthToDate => "This month to date",
        KpiQuarterToDate => "This quarter to date",
        KpiYearToDate => "This year to date",
        KpiCustomPeriod => "Custom dates",
        KpiPeriodRange => "{from} to {to}, compared with {pfrom} to {pto}",
        KpiPeriodMissing => "Choose the first and the last day of the period.",
        KpiPeriodReversed => "The first day must not be after the last day.",
        KpiPeriodTooLong => "A period can be at most two years long.",
        KpiCompanyCurrency => "The company's currency",
        KpiAllSegments => "All segments",
        KpiAllCollectors => "All collectors",
        KpiCollectorNow => "The figures are for the customers assigned to this collector now. Past reassignments are not tracked: a customer who moved to or from this collector during the period counts as assigned today.",
        KpiAgingAllCustomers => "Aging as of today, for every customer: the segment and collector do not filter it.",
        KpiCountbackDso => "Countback DSO",
        KpiBestPossibleDso => "Best possible DSO",
        KpiDaysDelinquent => "Average days delinquent",
        KpiArTurnover => "Receivables turnover",
        KpiCollectionPeriod => "Average collection period",
        KpiBadDebtRatio => "Bad-debt ratio",
        KpiEndingAr => "Receivables at the period's end",
        KpiDaysValue => "{n} days",
        KpiTimesValue => "{n}×",
        KpiNoteNoSales => "Not meaningful: no credit sales in this period",
        KpiNoteNegative => "Not meaningful: the denominator is negative",
        KpiNoteNoReceivables => "Not meaningful: nothing was owed at the start or the end of this period",
        KpiNoteNothingOwed => "Not meaningful: nothing was owed at the end of this period",
        KpiNoteNothingDue => "Not meaningful: nothing was there to collect in this period",
        KpiNoteNoPromises => "Not meaningful: no promise to pay fell due in this period",
        KpiNoteNoSettled => "Not meaningful: no invoice was paid off in this period",
        KpiTrendDso => "DSO (days)",
        KpiTrendCei => "CEI (%)",
        KpiDaysOverdue => "{n} days overdue",
        KpiOneDayOverdue => "1 day overdue",
    }
}

#[rustfmt::skip]
pub(super) fn script(msg: super::msg_more::ScriptMsg) -> &'static str {
    use super::msg_more::ScriptMsg::*;
    match msg {
        ScriptsTitle => "Collection scripts",
        ScriptsLead => "What collectors say on a call or a visit, and the WeChat message they send, at each step of the ladder. Collectors see the script with the customer's figures filled in on their tasks and in the quick log.",
        ScriptLanguage => "Script language",
        ScriptLocaleZh => "Chinese",
        ScriptLocaleEn => "English",
        ScriptBody => "Script",
        ScriptPlaceCustomer => "the customer's name",
        ScriptPlaceCompany => "your company's name",
        ScriptPlaceTotal => "the overdue total",
        ScriptPlaceDays => "days overdue",
        ScriptDefault => "Duely's default",
        ScriptEditedBy => "Edited by {name}",
        SaveScript => "Save script",
        ResetScript => "Restore default",
        ScriptSaved => "Script saved.",
        ScriptRestored => "Default script restored.",
        ScriptReadOnly => "Only members who manage dunning can change scripts.",
        ScriptCallTitle => "Call script",
        ScriptVisitTitle => "Visit script",
        ScriptWechatTitle => "WeChat message",
    }
}

#[rustfmt::skip]
pub(super) fn incentive(msg: super::msg_more::IncentiveMsg) -> &'static str {
    use super::msg_more::IncentiveMsg::*;
    match msg {
        RulePercentAboveTarget => "% of collections above target",
        RulePercentOfCollected => "% of what is collected",
        RulePerKeptPromise => "A fixed amount per kept promise",
    }
}
