"""The one server-side function that shows personal numbers masked (ARCHITECTURE.md rule 5)."""


def mask_id_number(value: str | None) -> str:
    """`360830198501012035` → `3608**********2035`: the province and prefecture stay, the person does not."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """`13812341234` → `138****1234`."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """`张伟` → `张*`, `欧阳小明` → `欧***`: for cards and places that must not show the full name."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)
