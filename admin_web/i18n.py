"""Staff web texts in Korean and English. A missing key is an error in tests, never a blank on screen."""

from __future__ import annotations

LANGUAGES = ("ko", "en")

TEXTS: dict[str, tuple[str, str]] = {
    "app.name": ("마당 관리", "Madang admin"),
    "nav.skip": ("본문으로 건너뛰기", "Skip to main content"),
    "nav.main": ("주 메뉴", "Main menu"),
    "nav.home": ("처음", "Home"),
    "nav.queues": ("상담 대기열", "Queues"),
    "nav.content": ("콘텐츠", "Content"),
    "nav.kiosks": ("키오스크", "Kiosks"),
    "nav.stats": ("통계", "Statistics"),
    "nav.audit": ("감사 기록", "Audit log"),
    "nav.logout": ("로그아웃", "Log out"),
    "nav.language": ("언어", "Language"),
    "nav.apply": ("바꾸기", "Change"),
    "login.title": ("직원 로그인", "Staff login"),
    "login.name": ("이름", "Name"),
    "login.password": ("비밀번호", "Password"),
    "login.submit": ("로그인", "Log in"),
    "login.failed": ("이름이나 비밀번호가 맞지 않습니다.", "Wrong name or password."),
    "login.locked": (
        "로그인 실패가 너무 많습니다. {seconds}초 뒤에 다시 시도하세요.",
        "Too many failed logins. Try again in {seconds} seconds.",
    ),
    "home.title": ("안녕하세요, {name}님", "Hello, {name}"),
    "home.role": ("역할: {role}", "Role: {role}"),
    "role.admin": ("관리자", "administrator"),
    "role.editor": ("편집자", "editor"),
    "role.counselor": ("상담원", "counselor"),
    "error.forbidden": ("이 화면을 볼 권한이 없습니다.", "You do not have permission to see this page."),
    "error.title": ("문제가 생겼습니다", "Something went wrong"),
}


def add_texts(texts: dict[str, tuple[str, str]]) -> None:
    """Each staff area adds its own (Korean, English) texts when it is imported; a key may not be reused."""
    clashes = set(texts) & set(TEXTS)
    if clashes:
        raise ValueError(f"text keys defined twice: {sorted(clashes)}")
    TEXTS.update(texts)


def translate(key: str, lang: str, **values: object) -> str:
    ko, en = TEXTS[key]
    text = en if lang == "en" else ko
    return text.format(**values) if values else text
