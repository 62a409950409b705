//! Headless Chromium for tests that assert on what a person sees. Debian's `chromium` (and a
//! CJK font, so Chinese names render with real glyphs) is installed when missing, as root;
//! without root and without it the test says so and skips. The page is driven over the
//! DevTools protocol on a pipe (`--remote-debugging-pipe`: fds 3 and 4, messages ending in
//! NUL), so every request, console message and exception of the page is seen.

use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Debian's packages: the browser, and a font with Chinese glyphs.
const PACKAGES: &[&str] = &["chromium", "fonts-wqy-microhei"];

fn browser() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

fn cjk_font() -> bool {
    Command::new("fc-list")
        .arg(":lang=zh")
        .output()
        .is_ok_and(|o| !o.stdout.is_empty())
}

/// The browser, installed when missing; None (after saying why) when it cannot be.
pub fn ensure(test: &str) -> Option<PathBuf> {
    if browser().is_some() && cjk_font() {
        return browser();
    }
    if !super::is_root() {
        super::skip(
            &format!("the browser part of {test}"),
            &format!(
                "needs {} installed, or root to install them",
                PACKAGES.join(" and ")
            ),
        );
        return None;
    }
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let mut install = vec!["install", "-y", "-qq", "--no-install-recommends"];
    install.extend(PACKAGES);
    if !apt(&install) {
        assert!(
            apt(&["update", "-qq"]) && apt(&install),
            "apt-get install {} failed",
            PACKAGES.join(" ")
        );
    }
    assert!(cjk_font(), "no font with Chinese glyphs after installing");
    browser()
}

/// A pipe whose ends are closed on exec (the child gets copies at fds 3 and 4 only).
fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: pipe2 writes two new descriptors into `fds`, which we own from here on.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(rc, 0, "pipe2: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just created and are owned by nobody else.
    unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) }
}

/// One page of a headless Chromium, with every protocol event it sent.
pub struct Page {
    child: Child,
    to: std::fs::File,
    from: Receiver<Value>,
    next: u64,
    session: String,
    /// Events of the page's session, in order.
    pub events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Page {
    /// Opens `file` in a fresh headless browser and waits until it has loaded.
    pub fn open(browser: &Path, file: &Path) -> Page {
        let profile = tempfile::tempdir().unwrap();
        let (child_in, to_child) = pipe();
        let (from_child, child_out) = pipe();
        let (cin, cout) = (child_in.as_raw_fd(), child_out.as_raw_fd());
        let mut cmd = Command::new(browser);
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-pipe",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        // SAFETY: only async-signal-safe calls (dup2, fcntl) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                for (fd, target) in [(cin, 3), (cout, 4)] {
                    if libc::dup2(fd, target) < 0 || libc::fcntl(target, libc::F_SETFD, 0) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("chromium starts");
        drop((child_in, child_out));
        let (tx, rx) = channel();
        let reader = std::fs::File::from(from_child);
        std::thread::spawn(move || {
            let mut r = BufReader::new(reader);
            let mut buf = Vec::new();
            while r.read_until(0, &mut buf).is_ok_and(|n| n > 0) {
                if buf.last() == Some(&0) {
                    buf.pop();
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                    && tx.send(v).is_err()
                {
                    break;
                }
                buf.clear();
            }
        });
        let mut page = Page {
            child,
            to: std::fs::File::from(to_child),
            from: rx,
            next: 0,
            session: String::new(),
            events: Vec::new(),
            _profile: profile,
        };
        let target = page.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = page.call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        page.session = attached["sessionId"].as_str().unwrap().to_string();
        for domain in ["Network", "Runtime", "Log", "Page", "DOM", "CSS"] {
            page.call(&format!("{domain}.enable"), json!({}));
        }
        let url = format!("file://{}", file.display());
        page.call("Page.navigate", json!({ "url": url }));
        page.wait_for("Page.loadEventFired", Duration::from_secs(30));
        // late console messages and requests have a moment to arrive
        page.drain(Duration::from_millis(500));
        page
    }

    fn write(&mut self, method: &str, params: Value) -> u64 {
        self.next += 1;
        let mut msg = json!({ "id": self.next, "method": method, "params": params });
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).expect("chromium reads its pipe");
        self.next
    }

    fn recv(&mut self, until: Instant) -> Option<Value> {
        let left = until.saturating_duration_since(Instant::now());
        self.from.recv_timeout(left).ok()
    }

    /// Calls a protocol method (on the page's session once attached) and returns its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.write(method, params);
        let until = Instant::now() + Duration::from_secs(30);
        loop {
            let msg = self
                .recv(until)
                .unwrap_or_else(|| panic!("no answer to {method}"));
            if msg["id"] == id {
                assert!(msg["error"].is_null(), "{method}: {}", msg["error"]);
                return msg["result"].clone();
            }
            if msg.get("method").is_some() {
                self.events.push(msg);
            }
        }
    }

    fn wait_for(&mut self, event: &str, timeout: Duration) {
        let until = Instant::now() + timeout;
        if self.events.iter().any(|e| e["method"] == event) {
            return;
        }
        loop {
            let msg = self
                .recv(until)
                .unwrap_or_else(|| panic!("no {event} within {timeout:?}"));
            let found = msg["method"] == event;
            if msg.get("method").is_some() {
                self.events.push(msg);
            }
            if found {
                return;
            }
        }
    }

    fn drain(&mut self, wait: Duration) {
        let until = Instant::now() + wait;
        while let Some(msg) = self.recv(until) {
            if msg.get("method").is_some() {
                self.events.push(msg);
            }
        }
    }

    /// The value of a JavaScript expression evaluated in the page.
    pub fn eval(&mut self, expression: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        assert!(r["exceptionDetails"].is_null(), "{expression}: {r}");
        r["result"]["value"].clone()
    }

    /// The URL of every request the page made.
    pub fn requests(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .map(|e| {
                e["params"]["request"]["url"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect()
    }

    /// Console errors, uncaught exceptions and error log entries (blocked loads, CSP).
    pub fn errors(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| {
                let p = &e["params"];
                match e["method"].as_str()? {
                    "Runtime.consoleAPICalled" if p["type"] == "error" => Some(p.to_string()),
                    "Runtime.exceptionThrown" => Some(p.to_string()),
                    "Log.entryAdded" if p["entry"]["level"] == "error" => {
                        Some(p["entry"]["text"].to_string())
                    }
                    _ => None,
                }
            })
            .collect()
    }

    /// The families of the platform fonts that rendered the first element `selector` matches.
    pub fn fonts_of(&mut self, selector: &str) -> Vec<(String, u64)> {
        let root = self.call("DOM.getDocument", json!({}))["root"]["nodeId"].clone();
        let node = self.call(
            "DOM.querySelector",
            json!({ "nodeId": root, "selector": selector }),
        )["nodeId"]
            .clone();
        let fonts = self.call("CSS.getPlatformFontsForNode", json!({ "nodeId": node }));
        fonts["fonts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["familyName"].as_str().unwrap_or("").to_string(),
                    f["glyphCount"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
