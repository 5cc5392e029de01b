"""Creating accounts, checking logins, passwords and ending an account's sessions."""

from sqlalchemy import select

from noticeboard.accounts.models import Role, User
from noticeboard.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problems,
    verify_password,
)
from noticeboard.core.errors import DomainError, NotFound, ValidationFailed
from noticeboard.core.permissions import Action, require
from noticeboard.core.validation import parse_id
from noticeboard.extensions import db
from noticeboard.regions.models import Region, RegionLevel
from noticeboard.regions.scope import regions_in_scope, scope_clause


def create_user(
    username: str, password: str, role: Role | str, region: Region, display_name: str = ""
) -> User:
    role = Role(role)
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    if not username or len(username) > 40 or not username.isascii() or " " in username:
        errors["username"] = ["用户名：请使用 1 至 40 个英文字母、数字或符号，不含空格"]
    if problems := password_problems(password, username):
        errors["password"] = problems
    if region.level != role.region_level:
        errors["region"] = [f"所属区划：{role.label}须绑定到{role.region_level.label}"]
    if errors:
        raise ValidationFailed(errors)
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise DomainError(f"用户名：“{username}”已被使用，请换一个", field="username")
    user = User(
        username=username,
        display_name=(display_name or username).strip(),
        password_hash=hash_password(password),
        role=role,
        region=region,
    )
    db.session.add(user)
    db.session.commit()
    return user


def account_regions(admin) -> list[Region]:
    """Regions an administrator may bind a new account to: counties and townships in scope."""
    require(admin, Action.ADMINISTER)
    return regions_in_scope(admin, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


def add_user(admin, username, password, role, region_id, display_name="") -> User:
    """An administrator creates an account in a region of their scope."""
    require(admin, Action.ADMINISTER)
    region = db.session.scalar(select(Region).where(Region.id == region_id, scope_clause(admin)))
    if region is None:
        raise NotFound("未找到该区划")
    if role not in set(Role):
        raise ValidationFailed({"role": ["角色：请从列表中选择"]})
    return create_user(username, password, role, region, display_name)


def users_in_scope(admin) -> list[User]:
    require(admin, Action.ADMINISTER)
    return staff_in_scope(admin)


def staff_in_scope(user) -> list[User]:
    """The accounts of the user's region and below, by user name (no right asked: callers
    that show them, such as the audit log's person filter, ask for their own)."""
    return list(
        db.session.scalars(
            select(User).join(User.region).where(scope_clause(user)).order_by(User.username)
        )
    )


def set_user_enabled(admin, user_id: int, enabled: bool) -> User:
    """An administrator disables (or enables again) an account of their scope. Disabling ends
    the account's sessions for good: enabling it later does not revive them."""
    require(admin, Action.ADMINISTER)
    user = db.session.scalar(
        select(User).join(User.region).where(User.id == user_id, scope_clause(admin))
    )
    if user is None:
        raise NotFound("未找到该用户")
    if user.id == admin.id and not enabled:
        raise DomainError("不能停用自己的账号：请由另一位管理员操作")
    if user.is_enabled and not enabled:
        user.session_generation += 1
    user.is_enabled = enabled
    db.session.commit()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The user sets a new password; every session of the account ends (the caller starts a
    new one for the browser the change was made in)."""
    if not verify_password(user.password_hash, current_password or ""):
        raise ValidationFailed({"current_password": ["当前密码：不正确"]})
    if problems := password_problems(new_password, user.username, "新密码"):
        raise ValidationFailed({"new_password": problems})
    user.password_hash = hash_password(new_password)
    user.session_generation += 1
    db.session.commit()


def end_all_sessions(user: User) -> None:
    """Logout: every session of the account ends, including copies of its cookie elsewhere."""
    user.session_generation += 1
    db.session.commit()


def load_user(token: str) -> User | None:
    """The enabled account behind a session token "<id>:<generation>" (Flask-Login's user
    loader); None when the account has ended its sessions since, or the token is malformed."""
    user_id, _, generation = (token or "").partition(":")
    number, generation = parse_id(user_id), parse_id(generation)
    if number is None or generation is None:
        return None
    user = db.session.get(User, number)
    if user is None or not user.is_enabled or user.session_generation != generation:
        return None
    return user


def authenticate(username: str, password: str) -> User | None:
    """The enabled user with these credentials, or None; upgrades old hashes on the way."""
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if not verify_password(user.password_hash if user else None, password or ""):
        return None
    if user is None or not user.is_enabled:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user
