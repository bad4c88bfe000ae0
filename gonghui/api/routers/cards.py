"""/api/v1/cards: anyone (a rest station, a merchant) checks an e-member card's QR code; the verifying key.

Public by design: the answer holds only what the card itself shows (masked name, union, status), and a caller
learns nothing from a token it does not already hold.
"""
from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from gonghui.api.schemas import InvalidOut
from gonghui.members.card import card_verify, public_key_pem
from gonghui.members.choices import MemberStatus

router = Router(tags=["电子会员卡"])


class CardVerifyIn(Schema):
    # A real token is about 250 characters; the limit keeps a caller from making the server parse megabytes.
    token: str = Field(max_length=2000, description="会员卡二维码中的文本")


class CardOut(Schema):
    number: str = Field(description="会员证号")
    name: str = Field(description="脱敏后的姓名，如 张*")
    union: str = Field(description="所属工会")
    status: str = Field(description="会籍状态代码")
    status_label: str
    expires_at: datetime = Field(description="本二维码的失效时间")


class CardCheckOut(Schema):
    valid: bool
    reason: str = Field(description="ok / malformed / bad_signature / expired / revoked / ended")
    message: str = Field(description="核验结果：有效、格式错误、签名无效、已过期、会员卡已作废、会籍已终止")
    card: CardOut | None = Field(description="签名有效时为卡面信息，否则为 null")


class PublicKeyOut(Schema):
    algorithm: str
    public_key_pem: str


@router.post("/cards/verify", auth=None, response={200: CardCheckOut, 422: InvalidOut}, url_name="card_verify",
             summary="核验电子会员卡")
def card_verify_view(request: HttpRequest, payload: CardVerifyIn):
    """核验会员卡二维码：签名、有效期、会籍状态，并查询会员卡是否已作废。无需登录。"""
    check = card_verify(payload.token)
    card = None
    if check.payload:
        status = check.payload.get("s", "")
        card = {"number": check.payload.get("n", ""), "name": check.payload.get("nm", ""),
                "union": check.payload.get("u", ""), "status": status,
                "status_label": str(MemberStatus(status).label) if status in MemberStatus.values else status,
                "expires_at": check.expires_at}
    return {"valid": check.valid, "reason": check.reason_code, "message": check.message, "card": card}


@router.get("/cards/public-key", auth=None, response=PublicKeyOut, url_name="card_public_key",
            summary="会员卡核验公钥")
def card_public_key(request: HttpRequest):
    """离线核验用的 Ed25519 公钥（PEM）。令牌格式见 docs/members.md。"""
    return {"algorithm": "Ed25519", "public_key_pem": public_key_pem()}
