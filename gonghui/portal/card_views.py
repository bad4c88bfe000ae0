"""The worker's e-member card page: the card face and a QR code of a freshly signed token, drawn on the server.

The QR code is inline SVG made here from qrcode's module matrix (no JavaScript library, no outside service:
union intranets often have no internet). A fresh token is signed on every visit, so the code shown is never
older than the page (tokens live gonghui.members.card.TOKEN_DAYS days).
"""
import qrcode
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from gonghui.core.masking import mask_name
from gonghui.members.card import HONOURED, card_token, card_verify
from gonghui.members.selectors import member_of_user
from gonghui.members.services import member_card_first_issue, membership_years


def qr_svg(text: str) -> str:
    """An SVG QR code of `text`: one path of horizontal runs per row, about 5 KB for a card token."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    # Only integers from the matrix go into the markup, so it is safe to mark it safe.
    return mark_safe(
        f'<svg class="qr" viewBox="0 0 {size} {size}" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>'
    )


@never_cache
@login_required(login_url="portal:login")
def card(request):
    member = member_of_user(user=request.user)
    context = {"member": member}
    if member is not None:
        context |= {"years": membership_years(member), "masked_name": mask_name(member.name)}
        if member.card_number is None and member.status in HONOURED:
            # A record loaded by a roster import or the demo has no card yet: the first visit issues it.
            member = context["member"] = member_card_first_issue(member=member, actor=request.user)
        try:
            token = card_token(member=member)
        except ValueError:  # no valid card: membership ended and the card was revoked with it
            token = None
        if token is not None:
            context |= {"qr": qr_svg(token), "expires_at": card_verify(token, check_revocation=False).expires_at}
    return render(request, "portal/card.html", context)
