//! What jinbao's server scripts report on stdout, one line each and the same for every script
//! (provisioning's apply, the rollout's deploy, rollback): a step done (`OK<TAB>step<TAB>ms`,
//! the milliseconds since the script began when it keeps time), a change the server refused
//! without failing (`REFUSED<TAB>step<TAB>reason`), and the step that failed
//! (`FAIL<TAB>step<TAB>status`, then its reason on the lines after it, or on the script's
//! stderr). Written once as shell functions and read once; the scripts' other lines (a lock's
//! `LOCKED`/`HELD`, `@section` markers, a probe's findings) are not steps.

/// `jb_ok STEP [MS]`, `jb_refused STEP REASON`, `jb_fail STEP STATUS [REASON...]` (which ends
/// the script). Built-ins only: a step costs no process.
pub const SHELL: &str = "jb_ok() { printf 'OK\\t%s\\t%s\\n' \"$1\" \"${2:-}\"; }\n\
jb_refused() { printf 'REFUSED\\t%s\\t%s\\n' \"$1\" \"$(printf '%s' \"$2\" | tr '\\n\\t' '  ')\"; }\n\
jb_fail() { printf 'FAIL\\t%s\\t%s\\n' \"$1\" \"$2\"; shift 2; [ $# -eq 0 ] || printf '%s\\n' \"$@\"; exit 1; }\n";

/// What a script reported.
#[derive(Debug, Default, PartialEq)]
pub struct Report {
    /// Steps done, in order, with the milliseconds since the script began when it said.
    pub done: Vec<(String, Option<u64>)>,
    /// Steps the server refused (the run goes on), with its reason.
    pub refused: Vec<(String, String)>,
    pub failed: Option<Failed>,
}

#[derive(Debug, PartialEq)]
pub struct Failed {
    pub step: String,
    pub status: i32,
    /// What the script said after the FAIL line (empty: look at its stderr).
    pub reason: String,
}

/// Reads a script's stdout; lines that are not steps are left alone.
pub fn parse(stdout: &str) -> Report {
    let mut report = Report::default();
    let mut lines = stdout.lines();
    while let Some(line) = lines.next() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["OK", step, ms] => report.done.push((step.to_string(), ms.parse().ok())),
            ["REFUSED", step, reason] => report
                .refused
                .push((step.to_string(), reason.trim().to_string())),
            ["FAIL", step, status] => {
                let rest: Vec<&str> = lines.by_ref().collect();
                report.failed = Some(Failed {
                    step: step.to_string(),
                    status: status.parse().unwrap_or(1),
                    reason: rest.join("\n").trim().to_string(),
                });
                break;
            }
            _ => {}
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_a_script_writes_are_read_back() {
        let out = "noise\nOK\tupload\t120\nREFUSED\t3\tread-only /proc/sys\nOK\t4\t\nFAIL\thealth\t1\nnot ready\nstill not\n";
        let r = parse(out);
        assert_eq!(
            r.done,
            vec![("upload".into(), Some(120)), ("4".into(), None)]
        );
        assert_eq!(r.refused, vec![("3".into(), "read-only /proc/sys".into())]);
        assert_eq!(
            r.failed,
            Some(Failed {
                step: "health".into(),
                status: 1,
                reason: "not ready\nstill not".into()
            })
        );
    }

    #[test]
    fn the_shell_functions_write_what_parse_reads() {
        let script = format!(
            "{SHELL}jb_ok a 5; jb_refused b 'two\nlines'; jb_ok c; jb_fail d 7 'why' 'and why'; jb_ok never\n"
        );
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let r = parse(&String::from_utf8_lossy(&out.stdout));
        assert_eq!(r.done, vec![("a".into(), Some(5)), ("c".into(), None)]);
        assert_eq!(r.refused, vec![("b".into(), "two lines".into())]);
        let failed = r.failed.unwrap();
        assert_eq!((failed.step.as_str(), failed.status), ("d", 7));
        assert_eq!(failed.reason, "why\nand why");
    }
}
