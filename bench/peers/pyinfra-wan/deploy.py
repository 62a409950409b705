# wan-bench's pyinfra side: the release's folder synced to every app server (files.sync: each
# file compared by its SHA-1 on the server and put when it differs, files no longer in the
# release deleted), through the city's gateway as a jump host (the bed's ssh_config).
from pyinfra import host
from pyinfra.operations import files

files.sync(name="release", src=host.data.src, dest="/opt/pyinfra/current", delete=True)
