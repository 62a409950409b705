//! Basic facts of a server, gathered in one round trip: OS, kernel, CPUs, memory, disk, load,
//! clock. The same script runs over SSH and locally (where `JINBAO_HOST_ROOT` is the host's `/`).

use std::collections::BTreeMap;

use serde::Serialize;

/// Prints `key=value` lines; every probe tolerates a missing tool.
pub const SCRIPT: &str = r#"
r=${JINBAO_HOST_ROOT:-/}
os=$( . /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" )
echo "os=${os:-$(uname -s)}"
echo "kernel=$(uname -r)"
echo "hostname=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)"
echo "cpus=$(nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo)"
awk '/^MemTotal:/ {print "mem_total_kb=" $2} /^MemAvailable:/ {print "mem_available_kb=" $2}' /proc/meminfo
df -Pk "$r" 2>/dev/null | awk 'NR==2 {print "disk_total_kb=" $2; print "disk_free_kb=" $4}'
echo "load1=$(cut -d' ' -f1 /proc/loadavg)"
echo "time=$(date +%s.%N)"
"#;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    pub os: String,
    pub kernel: String,
    pub hostname: String,
    pub cpus: u32,
    pub mem_total_kb: u64,
    pub mem_available_kb: u64,
    pub disk_total_kb: u64,
    pub disk_free_kb: u64,
    pub load1: f64,
    /// The server's clock, seconds since the epoch.
    pub time: f64,
}

impl Facts {
    pub fn parse(text: &str) -> Self {
        let kv: BTreeMap<&str, &str> = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim()))
            .collect();
        let num = |k: &str| kv.get(k).and_then(|v| v.parse().ok()).unwrap_or_default();
        let float = |k: &str| kv.get(k).and_then(|v| v.parse().ok()).unwrap_or_default();
        let text = |k: &str| kv.get(k).map(|v| v.to_string()).unwrap_or_default();
        Facts {
            os: text("os"),
            kernel: text("kernel"),
            hostname: text("hostname"),
            cpus: kv.get("cpus").and_then(|v| v.parse().ok()).unwrap_or(0),
            mem_total_kb: num("mem_total_kb"),
            mem_available_kb: num("mem_available_kb"),
            disk_total_kb: num("disk_total_kb"),
            disk_free_kb: num("disk_free_kb"),
            load1: float("load1"),
            time: float("time"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_script_output() {
        let f = Facts::parse(
            "os=Debian GNU/Linux 12 (bookworm)\nkernel=6.1.0\ncpus=2\nmem_total_kb=100\ndisk_free_kb=5\nload1=0.25\n",
        );
        assert_eq!(f.os, "Debian GNU/Linux 12 (bookworm)");
        assert_eq!(f.cpus, 2);
        assert_eq!(f.mem_total_kb, 100);
        assert_eq!(f.disk_free_kb, 5);
        assert_eq!(f.load1, 0.25);
    }
}
