"""The example files of docs/deploy.md parse: nginx -t on the site file, systemd-analyze verify
on the units (where systemd is installed), and the environment file names only settings the
app or gunicorn.conf.py reads."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def test_the_nginx_site_passes_nginx_t(tmp_path):
    key, cert = tmp_path / "privkey.pem", tmp_path / "fullchain.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=gongshi.example.gov.cn", "-keyout", key, "-out", cert],
        check=True, capture_output=True,
    )  # fmt: skip
    site = (DEPLOY / "nginx" / "noticeboard.conf").read_text()
    site = (
        site.replace("/etc/ssl/noticeboard/fullchain.pem", str(cert))
        .replace("/etc/ssl/noticeboard/privkey.pem", str(key))
        .replace("/var/cache/nginx/noticeboard", str(tmp_path / "cache"))
        .replace("/srv/noticeboard", str(ROOT))
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        "events {}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log off;\n"
        f" client_body_temp_path {tmp_path}/body;\n proxy_temp_path {tmp_path}/proxy;\n"
        f" include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [shutil.which("nginx") or "/usr/sbin/nginx", "-t", "-c", tmp_path / "nginx.conf",
         "-p", tmp_path],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd is not installed")
def test_the_systemd_units_verify(tmp_path):
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text().replace("/srv/noticeboard", str(ROOT))
        text = text.replace("/etc/noticeboard/noticeboard.env", str(DEPLOY / "noticeboard.env"))
        (tmp_path / unit.name).write_text(text)
        units.append(tmp_path / unit.name)
    assert {u.suffix for u in units} == {".service", ".timer"}
    result = subprocess.run(
        ["systemd-analyze", "verify", *units], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr and "not executable" not in result.stderr


def test_the_environment_file_names_only_settings_that_are_read():
    read = "".join(
        path.read_text() for path in [*ROOT.glob("noticeboard/**/*.py"), ROOT / "gunicorn.conf.py"]
    )
    names = re.findall(r"^([A-Z_]+)=", (DEPLOY / "noticeboard.env").read_text(), re.M)
    assert names
    assert [n for n in names if f'"{n}"' not in read] == []
