"""Password hashing with argon2id (argon2-cffi's recommended parameters), and which passwords
are too easy to guess."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 10

# The commonest passwords of 10 characters or more in leaked Chinese and international lists
# (shorter ones already fail the length rule). Guessers try these first, so a login limit of a
# few attempts per account does not protect them. Compared in lower case.
COMMON_PASSWORDS = frozenset(
    {
        "0123456789",
        "1234567890",
        "12345678910",
        "0987654321",
        "9876543210",
        "1122334455",
        "1234512345",
        "1357924680",
        "147258369a",
        "a123456789",
        "a1234567890",
        "123456789a",
        "123456789q",
        "aa12345678",
        "abc1234567",
        "abcd123456",
        "abcd1234567",
        "qq12345678",
        "qq123456789",
        "qwertyuiop",
        "qwerty1234",
        "qwer123456",
        "1234qwerasdf",
        "1q2w3e4r5t",
        "1q2w3e4r5t6y",
        "1qaz2wsx3edc",
        "qazwsxedc123",
        "asdfghjkl123",
        "zxcvbnm123",
        "woaini1314",
        "woaini5201314",
        "5201314520",
        "1314520520",
        "iloveyou1314",
        "password123",
        "password1234",
        "p@ssw0rd123",
        "admin12345",
        "admin123456",
        "administrator",
    }
)

_hasher = PasswordHasher()

# Verifying against this when the username is unknown keeps the answer time the same,
# so timing does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problems(password: str, username: str, label: str = "密码") -> list[str]:
    """Why `password` is too easy to guess for the account `username`; [] when it is fine.
    `label` names the field in the messages."""
    password = password or ""
    lowered, name = password.lower(), (username or "").strip().lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"{label}：至少 {MIN_PASSWORD_LENGTH} 个字符"]
    problems = []
    # Containment is checked for names of three or more characters: a one- or two-letter
    # username occurs by chance in many good passwords.
    if name and (lowered == name or (len(name) >= 3 and name in lowered)):
        problems.append(f"{label}：不能与用户名相同，也不能包含用户名")
    if len(set(password)) == 1:
        problems.append(f"{label}：不能由同一个字符重复组成")
    if lowered in COMMON_PASSWORDS:
        problems.append(f"{label}：这是最常见的密码之一，很容易被猜中，请换一个")
    return problems
