//! The messages of the disputes queue, the contacts editor and the money screens, as enums of
//! their own inside [`Msg`] (one file of variants would pass 800 lines). Each variant is also
//! an associated constant of `Msg` under its own name, so pages write `Msg::DisputeOwner`.

use super::Msg;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisputeMsg {
    DisputesLead,
    DisputeStatusOpen,
    DisputeStatusResolved,
    DisputeStatusRejected,
    DisputeOwner,
    DisputeAnyOwner,
    DisputeNoOwner,
    DisputeReasonLabel,
    DisputeReasonPrice,
    DisputeReasonQuantity,
    DisputeReasonQuality,
    DisputeReasonNotReceived,
    DisputeReasonDuplicate,
    DisputeReasonAlreadyPaid,
    DisputeReasonTerms,
    DisputeReasonOther,
    DisputeInvoiceColumn,
    DisputeNoteColumn,
    DisputeCustomerWords,
    DisputeDueOn,
    DisputeDueOnHint,
    DisputeAge,
    DisputeAgeDays,
    DisputeAgeOneDay,
    DisputeResolution,
    DisputeAssign,
    DisputeAssignTitle,
    DisputeUpdated,
    DisputeResolveTitle,
    DisputeOutcome,
    DisputeOutcomeResolved,
    DisputeOutcomeRejected,
    DisputeResolutionNote,
    DisputeResolutionNoteHint,
    DisputeNoteRequired,
    DisputeResolvedToast,
    DisputeRejectedToast,
    DisputeOpenedByLabel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactMsg {
    ContactsBillingHint,
    ContactLegend,
    ContactPersonName,
    ContactRole,
    ContactPhone,
    ContactMobile,
    ContactWechatId,
    ContactWecomId,
    ContactPreferredChannel,
    ContactNoChannel,
    ContactLocale,
    ContactLocaleCustomer,
    ContactBilling,
    ContactBillingBadge,
    AddContact,
    RemoveContact,
    NoContacts,
    CustomerTagsLabel,
    CustomerTagsHint,
    ArchiveCustomer,
    ArchiveCustomerTitle,
    ArchiveCustomerConfirm,
    CustomerArchivedBadge,
    RestoreCustomer,
    CustomerArchivedDone,
    CustomerRestored,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyMsg {
    ImportPayments,
    PaymentImportGroupHint,
    PaymentImportOnceHint,
    PaymentImportAllocateHint,
    ImportSkippedCount,
    Installments,
    NoInstallmentPlan,
    InstallmentNumber,
    EditInstallments,
    AddInstallment,
    SplitEvenly,
    RemoveInstallments,
    InstallmentsHint,
    InstallmentsAddUpTo,
    InstallmentDueDateRequired,
    InstallmentsSaved,
    InstallmentsRemoved,
}

#[allow(non_upper_case_globals)]
impl Msg {
    pub const DisputesLead: Msg = Msg::Dispute(DisputeMsg::DisputesLead);
    pub const DisputeStatusOpen: Msg = Msg::Dispute(DisputeMsg::DisputeStatusOpen);
    pub const DisputeStatusResolved: Msg = Msg::Dispute(DisputeMsg::DisputeStatusResolved);
    pub const DisputeStatusRejected: Msg = Msg::Dispute(DisputeMsg::DisputeStatusRejected);
    pub const DisputeOwner: Msg = Msg::Dispute(DisputeMsg::DisputeOwner);
    pub const DisputeAnyOwner: Msg = Msg::Dispute(DisputeMsg::DisputeAnyOwner);
    pub const DisputeNoOwner: Msg = Msg::Dispute(DisputeMsg::DisputeNoOwner);
    pub const DisputeReasonLabel: Msg = Msg::Dispute(DisputeMsg::DisputeReasonLabel);
    pub const DisputeReasonPrice: Msg = Msg::Dispute(DisputeMsg::DisputeReasonPrice);
    pub const DisputeReasonQuantity: Msg = Msg::Dispute(DisputeMsg::DisputeReasonQuantity);
    pub const DisputeReasonQuality: Msg = Msg::Dispute(DisputeMsg::DisputeReasonQuality);
    pub const DisputeReasonNotReceived: Msg = Msg::Dispute(DisputeMsg::DisputeReasonNotReceived);
    pub const DisputeReasonDuplicate: Msg = Msg::Dispute(DisputeMsg::DisputeReasonDuplicate);
    pub const DisputeReasonAlreadyPaid: Msg = Msg::Dispute(DisputeMsg::DisputeReasonAlreadyPaid);
    pub const DisputeReasonTerms: Msg = Msg::Dispute(DisputeMsg::DisputeReasonTerms);
    pub const DisputeReasonOther: Msg = Msg::Dispute(DisputeMsg::DisputeReasonOther);
    pub const DisputeInvoiceColumn: Msg = Msg::Dispute(DisputeMsg::DisputeInvoiceColumn);
    pub const DisputeNoteColumn: Msg = Msg::Dispute(DisputeMsg::DisputeNoteColumn);
    pub const DisputeCustomerWords: Msg = Msg::Dispute(DisputeMsg::DisputeCustomerWords);
    pub const DisputeDueOn: Msg = Msg::Dispute(DisputeMsg::DisputeDueOn);
    pub const DisputeDueOnHint: Msg = Msg::Dispute(DisputeMsg::DisputeDueOnHint);
    pub const DisputeAge: Msg = Msg::Dispute(DisputeMsg::DisputeAge);
    pub const DisputeAgeDays: Msg = Msg::Dispute(DisputeMsg::DisputeAgeDays);
    pub const DisputeAgeOneDay: Msg = Msg::Dispute(DisputeMsg::DisputeAgeOneDay);
    pub const DisputeResolution: Msg = Msg::Dispute(DisputeMsg::DisputeResolution);
    pub const DisputeAssign: Msg = Msg::Dispute(DisputeMsg::DisputeAssign);
    pub const DisputeAssignTitle: Msg = Msg::Dispute(DisputeMsg::DisputeAssignTitle);
    pub const DisputeUpdated: Msg = Msg::Dispute(DisputeMsg::DisputeUpdated);
    pub const DisputeResolveTitle: Msg = Msg::Dispute(DisputeMsg::DisputeResolveTitle);
    pub const DisputeOutcome: Msg = Msg::Dispute(DisputeMsg::DisputeOutcome);
    pub const DisputeOutcomeResolved: Msg = Msg::Dispute(DisputeMsg::DisputeOutcomeResolved);
    pub const DisputeOutcomeRejected: Msg = Msg::Dispute(DisputeMsg::DisputeOutcomeRejected);
    pub const DisputeResolutionNote: Msg = Msg::Dispute(DisputeMsg::DisputeResolutionNote);
    pub const DisputeResolutionNoteHint: Msg = Msg::Dispute(DisputeMsg::DisputeResolutionNoteHint);
    pub const DisputeNoteRequired: Msg = Msg::Dispute(DisputeMsg::DisputeNoteRequired);
    pub const DisputeResolvedToast: Msg = Msg::Dispute(DisputeMsg::DisputeResolvedToast);
    pub const DisputeRejectedToast: Msg = Msg::Dispute(DisputeMsg::DisputeRejectedToast);
    pub const DisputeOpenedByLabel: Msg = Msg::Dispute(DisputeMsg::DisputeOpenedByLabel);
    pub const ContactsBillingHint: Msg = Msg::Contact(ContactMsg::ContactsBillingHint);
    pub const ContactLegend: Msg = Msg::Contact(ContactMsg::ContactLegend);
    pub const ContactPersonName: Msg = Msg::Contact(ContactMsg::ContactPersonName);
    pub const ContactRole: Msg = Msg::Contact(ContactMsg::ContactRole);
    pub const ContactPhone: Msg = Msg::Contact(ContactMsg::ContactPhone);
    pub const ContactMobile: Msg = Msg::Contact(ContactMsg::ContactMobile);
    pub const ContactWechatId: Msg = Msg::Contact(ContactMsg::ContactWechatId);
    pub const ContactWecomId: Msg = Msg::Contact(ContactMsg::ContactWecomId);
    pub const ContactPreferredChannel: Msg = Msg::Contact(ContactMsg::ContactPreferredChannel);
    pub const ContactNoChannel: Msg = Msg::Contact(ContactMsg::ContactNoChannel);
    pub const ContactLocale: Msg = Msg::Contact(ContactMsg::ContactLocale);
    pub const ContactLocaleCustomer: Msg = Msg::Contact(ContactMsg::ContactLocaleCustomer);
    pub const ContactBilling: Msg = Msg::Contact(ContactMsg::ContactBilling);
    pub const ContactBillingBadge: Msg = Msg::Contact(ContactMsg::ContactBillingBadge);
    pub const AddContact: Msg = Msg::Contact(ContactMsg::AddContact);
    pub const RemoveContact: Msg = Msg::Contact(ContactMsg::RemoveContact);
    pub const NoContacts: Msg = Msg::Contact(ContactMsg::NoContacts);
    pub const CustomerTagsLabel: Msg = Msg::Contact(ContactMsg::CustomerTagsLabel);
    pub const CustomerTagsHint: Msg = Msg::Contact(ContactMsg::CustomerTagsHint);
    pub const ArchiveCustomer: Msg = Msg::Contact(ContactMsg::ArchiveCustomer);
    pub const ArchiveCustomerTitle: Msg = Msg::Contact(ContactMsg::ArchiveCustomerTitle);
    pub const ArchiveCustomerConfirm: Msg = Msg::Contact(ContactMsg::ArchiveCustomerConfirm);
    pub const CustomerArchivedBadge: Msg = Msg::Contact(ContactMsg::CustomerArchivedBadge);
    pub const RestoreCustomer: Msg = Msg::Contact(ContactMsg::RestoreCustomer);
    pub const CustomerArchivedDone: Msg = Msg::Contact(ContactMsg::CustomerArchivedDone);
    pub const CustomerRestored: Msg = Msg::Contact(ContactMsg::CustomerRestored);
    pub const ImportPayments: Msg = Msg::Money(MoneyMsg::ImportPayments);
    pub const PaymentImportGroupHint: Msg = Msg::Money(MoneyMsg::PaymentImportGroupHint);
    pub const PaymentImportOnceHint: Msg = Msg::Money(MoneyMsg::PaymentImportOnceHint);
    pub const PaymentImportAllocateHint: Msg = Msg::Money(MoneyMsg::PaymentImportAllocateHint);
    pub const ImportSkippedCount: Msg = Msg::Money(MoneyMsg::ImportSkippedCount);
    pub const Installments: Msg = Msg::Money(MoneyMsg::Installments);
    pub const NoInstallmentPlan: Msg = Msg::Money(MoneyMsg::NoInstallmentPlan);
    pub const InstallmentNumber: Msg = Msg::Money(MoneyMsg::InstallmentNumber);
    pub const EditInstallments: Msg = Msg::Money(MoneyMsg::EditInstallments);
    pub const AddInstallment: Msg = Msg::Money(MoneyMsg::AddInstallment);
    pub const SplitEvenly: Msg = Msg::Money(MoneyMsg::SplitEvenly);
    pub const RemoveInstallments: Msg = Msg::Money(MoneyMsg::RemoveInstallments);
    pub const InstallmentsHint: Msg = Msg::Money(MoneyMsg::InstallmentsHint);
    pub const InstallmentsAddUpTo: Msg = Msg::Money(MoneyMsg::InstallmentsAddUpTo);
    pub const InstallmentDueDateRequired: Msg = Msg::Money(MoneyMsg::InstallmentDueDateRequired);
    pub const InstallmentsSaved: Msg = Msg::Money(MoneyMsg::InstallmentsSaved);
    pub const InstallmentsRemoved: Msg = Msg::Money(MoneyMsg::InstallmentsRemoved);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromiseMsg {
    CancelPromise,
    CancelPromiseTitle,
    CancelPromiseLead,
    CancelPromiseReason,
    CancelPromiseNoReason,
    ConfirmCancelPromise,
    PromiseCancelledToast,
    CorrectActivity,
    CorrectActivityTitle,
    CorrectActivityHint,
    SaveActivityCorrection,
    ActivityCorrected,
}

#[allow(non_upper_case_globals)]
impl Msg {
    pub const CancelPromise: Msg = Msg::Promise(PromiseMsg::CancelPromise);
    pub const CancelPromiseTitle: Msg = Msg::Promise(PromiseMsg::CancelPromiseTitle);
    pub const CancelPromiseLead: Msg = Msg::Promise(PromiseMsg::CancelPromiseLead);
    pub const CancelPromiseReason: Msg = Msg::Promise(PromiseMsg::CancelPromiseReason);
    pub const CancelPromiseNoReason: Msg = Msg::Promise(PromiseMsg::CancelPromiseNoReason);
    pub const ConfirmCancelPromise: Msg = Msg::Promise(PromiseMsg::ConfirmCancelPromise);
    pub const PromiseCancelledToast: Msg = Msg::Promise(PromiseMsg::PromiseCancelledToast);
    pub const CorrectActivity: Msg = Msg::Promise(PromiseMsg::CorrectActivity);
    pub const CorrectActivityTitle: Msg = Msg::Promise(PromiseMsg::CorrectActivityTitle);
    pub const CorrectActivityHint: Msg = Msg::Promise(PromiseMsg::CorrectActivityHint);
    pub const SaveActivityCorrection: Msg = Msg::Promise(PromiseMsg::SaveActivityCorrection);
    pub const ActivityCorrected: Msg = Msg::Promise(PromiseMsg::ActivityCorrected);
}

/// The texts of a receipt's allocation to the invoices the user picks (the payments form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocMsg {
    AllocHint,
    AllocNeedsAmount,
    AllocInvoiceColumn,
    AllocApplyColumn,
    AllocApplyTo,
    AllocPropose,
    AllocTotal,
    AllocOverAmount,
}

#[allow(non_upper_case_globals)]
impl Msg {
    pub const AllocHint: Msg = Msg::Alloc(AllocMsg::AllocHint);
    pub const AllocNeedsAmount: Msg = Msg::Alloc(AllocMsg::AllocNeedsAmount);
    pub const AllocInvoiceColumn: Msg = Msg::Alloc(AllocMsg::AllocInvoiceColumn);
    pub const AllocApplyColumn: Msg = Msg::Alloc(AllocMsg::AllocApplyColumn);
    pub const AllocApplyTo: Msg = Msg::Alloc(AllocMsg::AllocApplyTo);
    pub const AllocPropose: Msg = Msg::Alloc(AllocMsg::AllocPropose);
    pub const AllocTotal: Msg = Msg::Alloc(AllocMsg::AllocTotal);
    pub const AllocOverAmount: Msg = Msg::Alloc(AllocMsg::AllocOverAmount);
}

/// The texts of giving a dunning ladder to a segment (the dunning page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LadderMsg {
    LadderSegments,
    LadderNoSegments,
    LadderSegmentField,
    LadderSegmentHint,
    LadderAssignSegment,
    LadderSegmentRequired,
    LadderSegmentAssigned,
    RunScheduled,
    RunManual,
}

#[allow(non_upper_case_globals)]
impl Msg {
    pub const LadderSegments: Msg = Msg::Ladder(LadderMsg::LadderSegments);
    pub const LadderNoSegments: Msg = Msg::Ladder(LadderMsg::LadderNoSegments);
    pub const LadderSegmentField: Msg = Msg::Ladder(LadderMsg::LadderSegmentField);
    pub const LadderSegmentHint: Msg = Msg::Ladder(LadderMsg::LadderSegmentHint);
    pub const LadderAssignSegment: Msg = Msg::Ladder(LadderMsg::LadderAssignSegment);
    pub const LadderSegmentRequired: Msg = Msg::Ladder(LadderMsg::LadderSegmentRequired);
    pub const LadderSegmentAssigned: Msg = Msg::Ladder(LadderMsg::LadderSegmentAssigned);
    pub const RunScheduled: Msg = Msg::Ladder(LadderMsg::RunScheduled);
    pub const RunManual: Msg = Msg::Ladder(LadderMsg::RunManual);
}

/// The texts of the dashboard's KPIs by period, currency, segment and collector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiMsg {
    KpiPeriod,
    KpiMonthToDate,
    KpiQuarterToDate,
    KpiYearToDate,
    KpiCustomPeriod,
    KpiPeriodRange,
    KpiPeriodMissing,
    KpiPeriodReversed,
    KpiPeriodTooLong,
    KpiCompanyCurrency,
    KpiAllSegments,
    KpiAllCollectors,
    KpiCollectorNow,
    KpiAgingAllCustomers,
    KpiCountbackDso,
    KpiBestPossibleDso,
    KpiDaysDelinquent,
    KpiArTurnover,
    KpiCollectionPeriod,
    KpiBadDebtRatio,
    KpiEndingAr,
    KpiDaysValue,
    KpiTimesValue,
    KpiNoteNoSales,
    KpiNoteNegative,
    KpiNoteNoReceivables,
    KpiNoteNothingOwed,
    KpiNoteNothingDue,
    KpiNoteNoPromises,
    KpiNoteNoSettled,
    KpiTrendDso,
    KpiTrendCei,
    KpiDaysOverdue,
    KpiOneDayOverdue,
}

#[allow(non_upper_case_globals)]
impl Msg {
    pub const KpiPeriod: Msg = Msg::Kpi(KpiMsg::KpiPeriod);
    pub const KpiMonthToDate: Msg = Msg::Kpi(KpiMsg::KpiMonthToDate);
    pub const KpiQuarterToDate: Msg = Msg::Kpi(KpiMsg::KpiQuarterToDate);
    pub const KpiYearToDate: Msg = Msg::Kpi(KpiMsg::KpiYearToDate);
    pub const KpiCustomPeriod: Msg = Msg::Kpi(KpiMsg::KpiCustomPeriod);
    pub const KpiPeriodRange: Msg = Msg::Kpi(KpiMsg::KpiPeriodRange);
    pub const KpiPeriodMissing: Msg = Msg::Kpi(KpiMsg::KpiPeriodMissing);
    pub const KpiPeriodReversed: Msg = Msg::Kpi(KpiMsg::KpiPeriodReversed);
    pub const KpiPeriodTooLong: Msg = Msg::Kpi(KpiMsg::KpiPeriodTooLong);
    pub const KpiCompanyCurrency: Msg = Msg::Kpi(KpiMsg::KpiCompanyCurrency);
    pub const KpiAllSegments: Msg = Msg::Kpi(KpiMsg::KpiAllSegments);
    pub const KpiAllCollectors: Msg = Msg::Kpi(KpiMsg::KpiAllCollectors);
    pub const KpiCollectorNow: Msg = Msg::Kpi(KpiMsg::KpiCollectorNow);
    pub const KpiAgingAllCustomers: Msg = Msg::Kpi(KpiMsg::KpiAgingAllCustomers);
    pub const KpiCountbackDso: Msg = Msg::Kpi(KpiMsg::KpiCountbackDso);
    pub const KpiBestPossibleDso: Msg = Msg::Kpi(KpiMsg::KpiBestPossibleDso);
    pub const KpiDaysDelinquent: Msg = Msg::Kpi(KpiMsg::KpiDaysDelinquent);
    pub const KpiArTurnover: Msg = Msg::Kpi(KpiMsg::KpiArTurnover);
    pub const KpiCollectionPeriod: Msg = Msg::Kpi(KpiMsg::KpiCollectionPeriod);
    pub const KpiBadDebtRatio: Msg = Msg::Kpi(KpiMsg::KpiBadDebtRatio);
    pub const KpiEndingAr: Msg = Msg::Kpi(KpiMsg::KpiEndingAr);
    pub const KpiDaysValue: Msg = Msg::Kpi(KpiMsg::KpiDaysValue);
    pub const KpiTimesValue: Msg = Msg::Kpi(KpiMsg::KpiTimesValue);
    pub const KpiNoteNoSales: Msg = Msg::Kpi(KpiMsg::KpiNoteNoSales);
    pub const KpiNoteNegative: Msg = Msg::Kpi(KpiMsg::KpiNoteNegative);
    pub const KpiNoteNoReceivables: Msg = Msg::Kpi(KpiMsg::KpiNoteNoReceivables);
    pub const KpiNoteNothingOwed: Msg = Msg::Kpi(KpiMsg::KpiNoteNothingOwed);
    pub const KpiNoteNothingDue: Msg = Msg::Kpi(KpiMsg::KpiNoteNothingDue);
    pub const KpiNoteNoPromises: Msg = Msg::Kpi(KpiMsg::KpiNoteNoPromises);
    pub const KpiNoteNoSettled: Msg = Msg::Kpi(KpiMsg::KpiNoteNoSettled);
    pub const KpiTrendDso: Msg = Msg::Kpi(KpiMsg::KpiTrendDso);
    pub const KpiTrendCei: Msg = Msg::Kpi(KpiMsg::KpiTrendCei);
    pub const KpiDaysOverdue: Msg = Msg::Kpi(KpiMsg::KpiDaysOverdue);
    pub const KpiOneDayOverdue: Msg = Msg::Kpi(KpiMsg::KpiOneDayOverdue);
}

/// The texts of the collection scripts (话术): their editor on the dunning page, and the script
/// shown on a task and in the quick log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScriptMsg {
    ScriptsTitle,
    ScriptsLead,
    ScriptLanguage,
    ScriptLocaleZh,
    ScriptLocaleEn,
    ScriptBody,
    ScriptPlaceCustomer,
    ScriptPlaceCompany,
    ScriptPlaceTotal,
    ScriptPlaceDays,
    ScriptDefault,
    ScriptEditedBy,
    SaveScript,
    ResetScript,
    ScriptSaved,
    ScriptRestored,
    ScriptReadOnly,
    ScriptCallTitle,
    ScriptVisitTitle,
    ScriptWechatTitle,
}

#[allow(non_upper_case_globals)]
impl Msg {
    pub const ScriptsTitle: Msg = Msg::Script(ScriptMsg::ScriptsTitle);
    pub const ScriptsLead: Msg = Msg::Script(ScriptMsg::ScriptsLead);
    pub const ScriptLanguage: Msg = Msg::Script(ScriptMsg::ScriptLanguage);
    pub const ScriptLocaleZh: Msg = Msg::Script(ScriptMsg::ScriptLocaleZh);
    pub const ScriptLocaleEn: Msg = Msg::Script(ScriptMsg::ScriptLocaleEn);
    pub const ScriptBody: Msg = Msg::Script(ScriptMsg::ScriptBody);
    pub const ScriptPlaceCustomer: Msg = Msg::Script(ScriptMsg::ScriptPlaceCustomer);
    pub const ScriptPlaceCompany: Msg = Msg::Script(ScriptMsg::ScriptPlaceCompany);
    pub const ScriptPlaceTotal: Msg = Msg::Script(ScriptMsg::ScriptPlaceTotal);
    pub const ScriptPlaceDays: Msg = Msg::Script(ScriptMsg::ScriptPlaceDays);
    pub const ScriptDefault: Msg = Msg::Script(ScriptMsg::ScriptDefault);
    pub const ScriptEditedBy: Msg = Msg::Script(ScriptMsg::ScriptEditedBy);
    pub const SaveScript: Msg = Msg::Script(ScriptMsg::SaveScript);
    pub const ResetScript: Msg = Msg::Script(ScriptMsg::ResetScript);
    pub const ScriptSaved: Msg = Msg::Script(ScriptMsg::ScriptSaved);
    pub const ScriptRestored: Msg = Msg::Script(ScriptMsg::ScriptRestored);
    pub const ScriptReadOnly: Msg = Msg::Script(ScriptMsg::ScriptReadOnly);
    pub const ScriptCallTitle: Msg = Msg::Script(ScriptMsg::ScriptCallTitle);
    pub const ScriptVisitTitle: Msg = Msg::Script(ScriptMsg::ScriptVisitTitle);
    pub const ScriptWechatTitle: Msg = Msg::Script(ScriptMsg::ScriptWechatTitle);
}

/// The kinds of incentive rule (the performance page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncentiveMsg {
    RulePercentAboveTarget,
    RulePercentOfCollected,
    RulePerKeptPromise,
}

#[allow(non_upper_case_globals)]
impl Msg {
    pub const RulePercentAboveTarget: Msg =
        Msg::IncentiveRule(IncentiveMsg::RulePercentAboveTarget);
    pub const RulePercentOfCollected: Msg =
        Msg::IncentiveRule(IncentiveMsg::RulePercentOfCollected);
    pub const RulePerKeptPromise: Msg = Msg::IncentiveRule(IncentiveMsg::RulePerKeptPromise);
}
