# The standard rollout on real servers (bench/rollout-bench --os) as a pyinfra deploy: steps a-f
# of ../shared/testbed/WORKLOAD.md as its peers/pyinfra/deploy.py does them, then what a real
# server adds: the packages present (installed already: checked, never installed), the
# application's systemd unit and logrotate file, the unit reloaded, enabled, running and
# restarted when the release changed, and the health check asking systemd too. jinbao does the
# same from the profiles rollout-bench writes.
import os

from pyinfra import host
from pyinfra.api import operation
from pyinfra.facts.files import File
from pyinfra.facts.server import Command
from pyinfra.operations import apt, files, systemd

d = host.data
REL = f"/opt/jinbao/releases/{d.version}"
HERE = os.path.dirname(os.path.abspath(__file__))


@operation()
def release(src: str, rel: str):
    if host.get_fact(File, path=f"{rel}/VERSION"):
        return  # unpacked already: no upload
    tmp = host.get_temp_filename(f"jinbao-release-{rel}")
    yield from files.directory._inner(path=rel, mode="755")
    yield from files.put._inner(src=src, dest=tmp)
    yield f"tar -xzf {tmp} -C {rel} && rm -f {tmp}"


@operation()
def current(rel: str):
    if host.get_fact(Command, "readlink /opt/jinbao/current || true") == rel:
        return
    yield f"ln -sfn {rel} /opt/jinbao/current.new && mv -T /opt/jinbao/current.new /opt/jinbao/current"


@operation()
def route(gateway: str):
    if f"via {gateway} dev" in (host.get_fact(Command, "ip route show 10.250.0.0/16") or ""):
        return
    yield f"ip route replace 10.250.0.0/16 via {gateway}"


@operation()
def health_check(command: str):
    host.get_fact(Command, command)  # a failing command fails the host; a check changes nothing
    return
    yield


for path in ("/opt/jinbao/releases", "/opt/jinbao/shared", "/etc/jinbao"):
    files.directory(name=f"a. {path}", path=path, mode="755")
files.template(name="b. config", src=d.template, dest="/etc/jinbao/app.toml", mode="640",
               host=d.host, city=d.city, city_code=d.city_code, db_url=d.db_url, version=d.version)
apt.packages(name="g. packages", packages=["iproute2", "openssh-server"], present=True)
unit = files.put(name="h. unit", src=os.path.join(HERE, "jinbao-app.service"),
                 dest="/etc/systemd/system/jinbao-app.service", mode="644")
files.put(name="h. logrotate", src=os.path.join(HERE, "logrotate"), dest="/etc/logrotate.d/jinbao-app",
          mode="644")
unpacked = release(name="c. release", src=d.release, rel=REL)
switched = current(name="d. current", rel=REL)
route(name="e. route", gateway=d.gateway)
systemd.daemon_reload(name="h. daemon-reload", _if=unit.did_change)
systemd.service(name="h. jinbao-app", service="jinbao-app", running=True, enabled=True)
systemd.service(name="h. restart", service="jinbao-app", restarted=True, _if=switched.did_change)
health_check(name="f. health check",
             command=f"grep -qxF 'code = \"{d.city_code}\"' /etc/jinbao/app.toml"
                     f" && test \"$(readlink /opt/jinbao/current)\" = {REL}"
                     f" && test \"$(cat /opt/jinbao/current/VERSION)\" = {d.version}"
                     f" && systemctl is-active -q jinbao-app && echo ok")
