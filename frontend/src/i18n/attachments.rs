//! Attachments' messages (files kept with customers, invoices, payments, visits, disputes and
//! legal cases), English and Chinese in one place; each language is one exhaustive match.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentsMsg {
    Title,
    Hint,
    None,
    Choose,
    TakePhoto,
    Uploading,
    Uploaded,
    Preview,
    Download,
    Delete,
    DeleteReason,
    DeleteConfirm,
    Deleted,
    ReasonNeeded,
    LocationRemoved,
    UploadedBy,
    Size,
    Close,
}

pub(super) fn en(msg: AttachmentsMsg) -> &'static str {
    use AttachmentsMsg::*;
    match msg {
        Title => "Attachments",
        Hint => {
            "Contracts, orders, signed delivery notes, bank vouchers and photos: PDF, OFD, JPEG, PNG, WebP, HEIC, XLSX or DOCX, up to 20 MiB. They go into the evidence pack of a legal case."
        }
        None => "No files attached yet.",
        Choose => "Attach a file",
        TakePhoto => "Take a photo",
        Uploading => "Uploading…",
        Uploaded => "File attached.",
        Preview => "Preview",
        Download => "Download",
        Delete => "Delete",
        DeleteReason => "Why delete it (kept in the audit log)",
        DeleteConfirm => "Delete the file",
        Deleted => "File deleted; it is kept for the audit log.",
        ReasonNeeded => "Give a reason for deleting the file.",
        LocationRemoved => "location removed",
        UploadedBy => "Added by",
        Size => "Size",
        Close => "Close",
    }
}

pub(super) fn zh(msg: AttachmentsMsg) -> &'static str {
    use AttachmentsMsg::*;
    match msg {
        Title => "附件",
        Hint => {
            "合同、订单、签收单、银行回单和照片：PDF、OFD、JPEG、PNG、WebP、HEIC、XLSX 或 DOCX，不超过 20 MiB。法律案件的证据包会收录这些附件。"
        }
        None => "还没有附件。",
        Choose => "上传附件",
        TakePhoto => "拍照上传",
        Uploading => "正在上传…",
        Uploaded => "附件已上传。",
        Preview => "预览",
        Download => "下载",
        Delete => "删除",
        DeleteReason => "删除原因（记入审计日志）",
        DeleteConfirm => "确认删除",
        Deleted => "附件已删除，审计日志中保留记录。",
        ReasonNeeded => "请填写删除原因。",
        LocationRemoved => "已去除拍摄地点",
        UploadedBy => "上传人",
        Size => "大小",
        Close => "关闭",
    }
}
