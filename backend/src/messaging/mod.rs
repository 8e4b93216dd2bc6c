//! SMS and WeChat Work messages to customers (issue 29). [`providers`] speaks Aliyun SMS,
//! Tencent Cloud SMS and WeChat Work as they document it; the rules every channel keeps
//! (quiet hours, numbers, template values) are the domain's (`domain::messaging`).

pub mod providers;
