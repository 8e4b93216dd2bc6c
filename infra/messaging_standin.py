#!/usr/bin/env python3
"""A local stand-in for the message providers Duely calls, for tests and local runs.

Aliyun, Tencent Cloud and WeChat Work cannot be reached from CI. This answers with each one's
documented request and response shapes, and checks each one's signature with its own
implementation of the documented scheme (independent of Duely's):

  POST /aliyun/    Aliyun SMS `SendSms` (2017-05-25): RPC style, form body, signature 1.0
                   (HMAC-SHA1), `Format=JSON`. Answers {"Code": "OK", "BizId": ...} or an error
                   code: InvalidAccessKeyId.NotFound, SignatureDoesNotMatch, SignatureNonceUsed,
                   InvalidTimeStamp.Expired, isv.MOBILE_NUMBER_ILLEGAL, isv.SMS_TEMPLATE_ILLEGAL,
                   isv.BUSINESS_LIMIT_CONTROL.
  POST /tencent/   Tencent Cloud SMS `SendSms` (2021-01-11): JSON body, TC3-HMAC-SHA256.
                   Answers {"Response": {"SendStatusSet": [...]}} or {"Response": {"Error": ...}}:
                   AuthFailure.SecretIdNotFound, AuthFailure.SignatureFailure,
                   FailedOperation.TemplateIncorrectOrUnapproved, InvalidParameterValue.IncorrectPhoneNumber,
                   LimitExceeded.PhoneNumberThirtySecondLimit (per number, in SendStatusSet).
  GET  /wecom/cgi-bin/gettoken                                  -> access_token (7200 s)
  POST /wecom/cgi-bin/externalcontact/add_msg_template          -> msgid, fail_list
  POST /wecom/cgi-bin/externalcontact/get_groupmsg_send_result  -> send_list
  POST /wecom/cgi-bin/externalcontact/cancel_groupmsg_send      -> withdraws an unsent one

Accounts it knows (anything else is refused as the provider refuses it):
  Aliyun   AccessKeyId LTAIstandin, AccessKeySecret standin-aliyun-secret
  Tencent  SecretId AKIDstandin, SecretKey standin-tencent-key
  WeCom    corpid wwstandin, corpsecret standin-wecom-secret

Errors on purpose: a number ending in 0429 is rate limited, one ending in 0400 is refused as not
a number; template code SMS_000000 (Aliyun) or 000000 (Tencent) is not approved; WeChat Work
sender "busy" is rate limited (45009), an external contact ending in NOTFRIEND comes back in
fail_list.

For tests: GET /_standin/requests lists what was received (provider, decoded parameters, the
id given); POST /_standin/wecom/confirm {"msgid": ...} marks a WeChat Work message as sent by
its member (status 1).

Usage: messaging_standin.py <port>   (standard library only)
"""

import base64
import hashlib
import hmac
import json
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlparse

LOCK = threading.Lock()
REQUESTS = []
NONCES = set()
TOKENS = {}
WECOM_MESSAGES = {}

ALIYUN_KEYS = {"LTAIstandin": "standin-aliyun-secret"}
TENCENT_KEYS = {"AKIDstandin": "standin-tencent-key"}
WECOM_CORPS = {"wwstandin": "standin-wecom-secret"}


def record(provider, params, given):
    with LOCK:
        REQUESTS.append({"provider": provider, "params": params, "id": given, "at": time.time()})


def aliyun_encode(value):
    return quote(value, safe="-_.~")


def aliyun_signature(method, params, secret):
    canonical = "&".join(
        f"{aliyun_encode(k)}={aliyun_encode(v)}" for k, v in sorted(params.items())
    )
    to_sign = f"{method}&{aliyun_encode('/')}&{aliyun_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def tc3_hmac(key, data):
    return hmac.new(key, data.encode(), hashlib.sha256).digest()


def tencent_signature(secret_key, host, payload, timestamp):
    canonical = (
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\n"
        f"host:{host}\n\ncontent-type;host\n" + hashlib.sha256(payload).hexdigest()
    )
    date = datetime.fromtimestamp(timestamp, timezone.utc).strftime("%Y-%m-%d")
    to_sign = (
        f"TC3-HMAC-SHA256\n{timestamp}\n{date}/sms/tc3_request\n"
        + hashlib.sha256(canonical.encode()).hexdigest()
    )
    key = tc3_hmac(("TC3" + secret_key).encode(), date)
    key = tc3_hmac(key, "sms")
    key = tc3_hmac(key, "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), date


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("messaging-standin: " + (fmt % args) + "\n")

    def body(self):
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""

    def send_json(self, status, value):
        data = json.dumps(value, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json; charset=utf-8")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        query = dict(parse_qsl(url.query))
        if url.path == "/_standin/requests":
            with LOCK:
                return self.send_json(200, list(REQUESTS))
        if url.path == "/wecom/cgi-bin/gettoken":
            corp, secret = query.get("corpid"), query.get("corpsecret")
            if corp not in WECOM_CORPS:
                return self.send_json(200, {"errcode": 40013, "errmsg": "invalid corpid"})
            if WECOM_CORPS[corp] != secret:
                return self.send_json(200, {"errcode": 40001, "errmsg": "invalid credential"})
            token = uuid.uuid4().hex
            with LOCK:
                TOKENS[token] = time.time() + 7200
            record("wecom.gettoken", {"corpid": corp}, token)
            return self.send_json(200, {"errcode": 0, "errmsg": "ok", "access_token": token,
                                        "expires_in": 7200})
        return self.send_json(404, {"error": f"no such path: {url.path}"})

    def do_POST(self):
        url = urlparse(self.path)
        raw = self.body()
        if url.path == "/aliyun/":
            return self.send_json(*self.aliyun(raw))
        if url.path == "/tencent/":
            return self.send_json(*self.tencent(raw))
        if url.path.startswith("/wecom/cgi-bin/"):
            return self.send_json(*self.wecom(url, raw))
        if url.path == "/_standin/wecom/confirm":
            msgid = json.loads(raw or b"{}").get("msgid")
            with LOCK:
                if msgid in WECOM_MESSAGES and WECOM_MESSAGES[msgid]["status"] == 0:
                    WECOM_MESSAGES[msgid]["status"] = 1
                    return self.send_json(200, {"ok": True})
            return self.send_json(404, {"ok": False})
        return self.send_json(404, {"error": f"no such path: {url.path}"})

    # Aliyun SMS

    def aliyun(self, raw):
        params = dict(parse_qsl(raw.decode(), keep_blank_values=True))
        request_id = str(uuid.uuid4()).upper()

        def error(code, message, status=400):
            return status, {"RequestId": request_id, "Code": code, "Message": message,
                            "Recommend": "https://next.api.aliyun.com/troubleshoot"}

        for name in ("AccessKeyId", "Action", "Format", "SignatureMethod", "SignatureNonce",
                     "SignatureVersion", "Timestamp", "Version", "Signature"):
            if not params.get(name):
                return error("MissingParameter", f"The input parameter \"{name}\" that is mandatory for processing this request is not supplied.")
        if params["Action"] != "SendSms" or params["Version"] != "2017-05-25":
            return error("InvalidAction.NotFound", "Specified api is not found, please check your url and method.", 404)
        secret = ALIYUN_KEYS.get(params["AccessKeyId"])
        if secret is None:
            return error("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
        signature = params.pop("Signature")
        if aliyun_signature(self.command, params, secret) != signature:
            return error("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")
        stamp = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
        if abs(time.time() - stamp.timestamp()) > 900:
            return error("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.")
        with LOCK:
            if params["SignatureNonce"] in NONCES:
                return error("SignatureNonceUsed", "Specified signature nonce was used already.")
            NONCES.add(params["SignatureNonce"])
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(name):
                return error("MissingParameter", f"The input parameter \"{name}\" that is mandatory for processing this request is not supplied.")
        phone = params["PhoneNumbers"]
        if params["TemplateCode"] == "SMS_000000":
            record("aliyun", params, None)
            return 200, {"RequestId": request_id, "Code": "isv.SMS_TEMPLATE_ILLEGAL",
                         "Message": "该账号下找不到对应模板"}
        if not phone.isdigit() or phone.endswith("0400"):
            record("aliyun", params, None)
            return 200, {"RequestId": request_id, "Code": "isv.MOBILE_NUMBER_ILLEGAL",
                         "Message": "非法手机号"}
        if phone.endswith("0429"):
            record("aliyun", params, None)
            return 200, {"RequestId": request_id, "Code": "isv.BUSINESS_LIMIT_CONTROL",
                         "Message": "触发分钟级流控Permits:1"}
        try:
            json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return 200, {"RequestId": request_id, "Code": "isv.INVALID_JSON_PARAM",
                         "Message": "JSON参数不合法，只接受字符串值"}
        biz_id = f"{int(time.time() * 1000)}{uuid.uuid4().int % 10**6:06d}^0"
        record("aliyun", params, biz_id)
        return 200, {"RequestId": request_id, "Code": "OK", "Message": "OK", "BizId": biz_id}

    # Tencent Cloud SMS

    def tencent(self, raw):
        request_id = str(uuid.uuid4())

        def error(code, message):
            return 200, {"Response": {"Error": {"Code": code, "Message": message},
                                      "RequestId": request_id}}

        auth = self.headers.get("authorization") or ""
        if self.headers.get("x-tc-action") != "SendSms" or self.headers.get("x-tc-version") != "2021-01-11":
            return error("InvalidAction", "The action or version is not valid.")
        try:
            scheme, rest = auth.split(" ", 1)
            fields = dict(part.strip().split("=", 1) for part in rest.split(","))
            secret_id, date, service, terminal = fields["Credential"].split("/")
            timestamp = int(self.headers.get("x-tc-timestamp"))
        except (ValueError, KeyError, TypeError):
            return error("AuthFailure.InvalidAuthorization", "Credential is malformed.")
        if scheme != "TC3-HMAC-SHA256" or service != "sms" or terminal != "tc3_request" \
                or fields.get("SignedHeaders") != "content-type;host":
            return error("AuthFailure.InvalidAuthorization", "Credential is malformed.")
        secret_key = TENCENT_KEYS.get(secret_id)
        if secret_key is None:
            return error("AuthFailure.SecretIdNotFound", "The SecretId is not found.")
        if abs(time.time() - timestamp) > 300:
            return error("AuthFailure.SignatureExpire", "Signature expired.")
        expected, expected_date = tencent_signature(secret_key, self.headers.get("host"), raw, timestamp)
        if expected != fields.get("Signature") or expected_date != date:
            return error("AuthFailure.SignatureFailure", "The provided credentials could not be validated.")
        if not self.headers.get("x-tc-region"):
            return error("MissingParameter", "The request is missing a required parameter `X-TC-Region`.")
        body = json.loads(raw)
        for name in ("PhoneNumberSet", "SmsSdkAppId", "TemplateId"):
            if not body.get(name):
                return error("MissingParameter", f"The request is missing a required parameter `{name}`.")
        if body["TemplateId"] == "000000":
            record("tencent", body, None)
            return error("FailedOperation.TemplateIncorrectOrUnapproved", "template is not approved or request content does not match the approved template content.")
        statuses = []
        for phone in body["PhoneNumberSet"]:
            if not phone.startswith("+") or not phone[1:].isdigit() or phone.endswith("0400"):
                statuses.append({"SerialNo": "", "PhoneNumber": phone, "Fee": 0,
                                 "SessionContext": body.get("SessionContext", ""),
                                 "Code": "InvalidParameterValue.IncorrectPhoneNumber",
                                 "Message": "incorrect phone number", "IsoCode": ""})
            elif phone.endswith("0429"):
                statuses.append({"SerialNo": "", "PhoneNumber": phone, "Fee": 0,
                                 "SessionContext": body.get("SessionContext", ""),
                                 "Code": "LimitExceeded.PhoneNumberThirtySecondLimit",
                                 "Message": "the number of SMS messages sent from a single mobile number within 30 seconds exceeds the upper limit",
                                 "IsoCode": "CN"})
            else:
                statuses.append({"SerialNo": f"5000:{uuid.uuid4().int % 10**30:030d}",
                                 "PhoneNumber": phone, "Fee": 1,
                                 "SessionContext": body.get("SessionContext", ""),
                                 "Code": "Ok", "Message": "send success", "IsoCode": "CN"})
        record("tencent", body, [s["SerialNo"] for s in statuses])
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": request_id}}

    # WeChat Work

    def wecom(self, url, raw):
        token = dict(parse_qsl(url.query)).get("access_token")
        with LOCK:
            valid = TOKENS.get(token, 0) > time.time()
        if not token:
            return 200, {"errcode": 41001, "errmsg": "access_token missing"}
        if not valid:
            return 200, {"errcode": 40014, "errmsg": "invalid access_token"}
        body = json.loads(raw or b"{}")
        if url.path == "/wecom/cgi-bin/externalcontact/add_msg_template":
            sender = body.get("sender")
            if sender == "busy":
                record("wecom", body, None)
                return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}
            contacts = body.get("external_userid") or []
            if not (body.get("text") or {}).get("content") or not contacts:
                return 200, {"errcode": 41035, "errmsg": "missing content"}
            failed = [c for c in contacts if c.endswith("NOTFRIEND")]
            if failed == contacts:
                record("wecom", body, None)
                return 200, {"errcode": 0, "errmsg": "ok", "fail_list": failed, "msgid": ""}
            msgid = "msg" + uuid.uuid4().hex
            with LOCK:
                WECOM_MESSAGES[msgid] = {"sender": sender, "contacts": contacts, "status": 0}
            record("wecom", body, msgid)
            return 200, {"errcode": 0, "errmsg": "ok", "fail_list": failed, "msgid": msgid}
        if url.path == "/wecom/cgi-bin/externalcontact/cancel_groupmsg_send":
            with LOCK:
                message = WECOM_MESSAGES.get(body.get("msgid"))
                if message is not None and message["status"] == 0:
                    message["status"] = "cancelled"
            if message is None:
                return 200, {"errcode": 41063, "errmsg": "msgid not found"}
            record("wecom.cancel", body, body.get("msgid"))
            return 200, {"errcode": 0, "errmsg": "ok"}
        if url.path == "/wecom/cgi-bin/externalcontact/get_groupmsg_send_result":
            with LOCK:
                message = WECOM_MESSAGES.get(body.get("msgid"))
            if message is None:
                return 200, {"errcode": 41063, "errmsg": "msgid not found"}
            return 200, {"errcode": 0, "errmsg": "ok", "next_cursor": "", "send_list": [
                {"external_userid": c, "chat_id": "", "userid": message["sender"],
                 "status": 1 if message["status"] == 1 else 0,
                 "send_time": int(time.time()) if message["status"] == 1 else 0}
                for c in message["contacts"]]}
        return 404, {"errcode": 404, "errmsg": "no such api"}


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 12112
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    sys.stderr.write(f"messaging-standin: listening on 127.0.0.1:{port}\n")
    server.serve_forever()


if __name__ == "__main__":
    main()
