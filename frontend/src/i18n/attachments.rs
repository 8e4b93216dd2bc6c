//! Attachments' texts (files kept with customers, invoices, payments, visits, disputes and legal
//! cases), as `AttachmentsMsg::Name`, each with its Chinese text, then its English text.

/// The texts of this area, as `AttachmentsMsg::Name` (each a [`super::Msg`]).
pub struct AttachmentsMsg;

texts! { AttachmentsMsg;
    Title => "附件", "Attachments";
    Hint =>
        "合同、订单、签收单、银行回单和照片：PDF、OFD、JPEG、PNG、WebP、HEIC、XLSX 或 DOCX，不超过 20 MiB。法律案件的证据包会收录这些附件。",
        "Contracts, orders, signed delivery notes, bank vouchers and photos: PDF, OFD, JPEG, PNG, WebP, HEIC, XLSX or DOCX, up to 20 MiB. They go into the evidence pack of a legal case.";
    None => "还没有附件。", "No files attached yet.";
    Choose => "上传附件", "Attach a file";
    TakePhoto => "拍照上传", "Take a photo";
    Uploading => "正在上传…", "Uploading…";
    Uploaded => "附件已上传。", "File attached.";
    Preview => "预览", "Preview";
    Download => "下载", "Download";
    Delete => "删除", "Delete";
    DeleteReason => "删除原因（记入审计日志）", "Why delete it (kept in the audit log)";
    DeleteConfirm => "确认删除", "Delete the file";
    Deleted => "附件已删除，审计日志中保留记录。", "File deleted; it is kept for the audit log.";
    ReasonNeeded => "请填写删除原因。", "Give a reason for deleting the file.";
    LocationRemoved => "已去除拍摄地点", "location removed";
    UploadedBy => "上传人", "Added by";
    Size => "大小", "Size";
    Close => "关闭", "Close";
}
