//! A release by content: each server keeps the files of its releases in a store under the
//! install folder, one object per content (named by its SHA-256, `x` appended for an
//! executable), and a release directory is assembled from the store with hard links. A new
//! release is described by its keys (what it needs) and its skeleton (folders, links, and a
//! hard link to an object for each file); only the objects a server lacks cross the link.
//!
//! Everything here is written from the canonical archive, the one reading of the release.

pub mod remote;

use std::collections::BTreeMap;
use std::io::{Read, Write};

use flate2::Compression;
use flate2::write::GzEncoder;

use super::ReleaseError;
use crate::provision::resource::plan::sha256;

/// The store's folder under the install folder: inside `releases`, so a release folder and
/// the objects it links to are always on one file system (hard links never cross one).
pub const STORE: &str = "releases/.store";

/// A release as contents: what a server needs and how to assemble it.
pub struct Layout {
    /// Every object key the release needs (its skeleton's included), sorted, one per line.
    pub keys: Vec<u8>,
    /// The SHA-256 of `keys`: the list the controller announces to every server.
    pub keys_sha: String,
    /// `keys` compressed, as every server is sent it (made once, not per server).
    pub keys_gz: Vec<u8>,
    /// The key of the skeleton object (a gzipped tar of folders, links and hard links).
    pub skeleton: String,
    /// Each object, as one gzip member holding its tar entry (named by its key).
    objects: BTreeMap<String, Vec<u8>>,
    /// The end of a tar archive, as a gzip member.
    end: Vec<u8>,
}

fn broken(e: std::io::Error) -> ReleaseError {
    ReleaseError::Invalid(format!("cannot lay the release out by content: {e}"))
}

/// One tar entry named `key` holding `data`, compressed as a gzip member of its own.
fn member(key: &str, data: &[u8], mode: u32) -> std::io::Result<Vec<u8>> {
    let mut h = tar::Header::new_ustar();
    h.set_path(key)?;
    h.set_entry_type(tar::EntryType::Regular);
    h.set_mode(mode);
    h.set_size(data.len() as u64);
    h.set_mtime(super::FIXED_MTIME);
    h.set_cksum();
    let level = if compresses(data) {
        Compression::new(6)
    } else {
        Compression::none()
    };
    let mut gz = GzEncoder::new(Vec::new(), level);
    gz.write_all(h.as_bytes())?;
    gz.write_all(data)?;
    let pad = (512 - data.len() % 512) % 512;
    gz.write_all(&vec![0u8; pad])?;
    gz.finish()
}

/// Whether compressing `data` is worth its time: jars, images and archives are compressed
/// already, and deflating them again costs the controller seconds per release for nothing.
/// Judged on a sample from its start.
fn compresses(data: &[u8]) -> bool {
    const SAMPLE: usize = 32 * 1024;
    if data.len() <= 4096 {
        return true;
    }
    let sample = &data[..data.len().min(SAMPLE)];
    let mut gz = flate2::write::DeflateEncoder::new(Vec::new(), Compression::fast());
    let out = gz
        .write_all(sample)
        .and_then(|()| gz.finish())
        .map(|v| v.len());
    out.is_ok_and(|n| n < sample.len() * 9 / 10)
}

/// The object key of a file: its content's SHA-256, `x` appended when it is executable.
pub fn key_of(data: &[u8], mode: u32) -> String {
    let sha = sha256(data);
    if mode & 0o111 != 0 { sha + "x" } else { sha }
}

impl Layout {
    /// Lays out the canonical archive `canonical` (gzipped ustar) of release `version`.
    pub fn of(canonical: &[u8], version: &str) -> Result<Layout, ReleaseError> {
        let prefix = format!("releases/.{version}.tmp");
        let mut objects = BTreeMap::new();
        let skeleton = {
            let gz = GzEncoder::new(Vec::new(), Compression::new(6));
            let mut sk = tar::Builder::new(gz);
            let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(canonical));
            for entry in archive.entries().map_err(broken)? {
                let mut entry = entry.map_err(broken)?;
                let path = entry.path().map_err(broken)?.to_string_lossy().into_owned();
                let path = path.trim_end_matches('/').to_string();
                let at = format!("{prefix}/{path}");
                let mut h = tar::Header::new_gnu();
                h.set_mtime(super::FIXED_MTIME);
                h.set_size(0);
                match entry.header().entry_type() {
                    tar::EntryType::Directory => {
                        h.set_entry_type(tar::EntryType::Directory);
                        h.set_mode(0o755);
                        sk.append_data(&mut h, &at, std::io::empty())
                            .map_err(broken)?;
                    }
                    tar::EntryType::Symlink => {
                        let target = entry
                            .link_name()
                            .map_err(broken)?
                            .unwrap_or_default()
                            .into_owned();
                        h.set_entry_type(tar::EntryType::Symlink);
                        h.set_mode(0o777);
                        sk.append_link(&mut h, &at, &target).map_err(broken)?;
                    }
                    _ => {
                        let mode = entry.header().mode().map_err(broken)?;
                        let mut data = Vec::with_capacity(entry.size() as usize);
                        entry.read_to_end(&mut data).map_err(broken)?;
                        let key = key_of(&data, mode);
                        if !objects.contains_key(&key) {
                            let m = if key.ends_with('x') { 0o755 } else { 0o644 };
                            objects.insert(key.clone(), member(&key, &data, m).map_err(broken)?);
                        }
                        h.set_entry_type(tar::EntryType::Link);
                        h.set_mode(0o644);
                        sk.append_link(&mut h, &at, format!("{STORE}/objects/{key}"))
                            .map_err(broken)?;
                    }
                }
            }
            sk.into_inner().and_then(|gz| gz.finish()).map_err(broken)?
        };
        let skeleton_key = sha256(&skeleton);
        objects.insert(
            skeleton_key.clone(),
            member(&skeleton_key, &skeleton, 0o644).map_err(broken)?,
        );
        let mut keys = Vec::new();
        for k in objects.keys() {
            keys.extend_from_slice(k.as_bytes());
            keys.push(b'\n');
        }
        let mut end = GzEncoder::new(Vec::new(), Compression::new(6));
        end.write_all(&[0u8; 1024]).map_err(broken)?;
        let mut gz = GzEncoder::new(Vec::new(), Compression::new(6));
        gz.write_all(&keys).map_err(broken)?;
        Ok(Layout {
            keys_sha: sha256(&keys),
            keys_gz: gz.finish().map_err(broken)?,
            keys,
            skeleton: skeleton_key,
            objects,
            end: end.finish().map_err(broken)?,
        })
    }

    /// The parts of a pack holding `wanted` (keys this layout has; others are ignored): one
    /// gzip member per object, then the archive's end. Borrowed, never copied.
    pub fn pack<'a>(&'a self, wanted: &[String]) -> Vec<&'a [u8]> {
        let mut parts: Vec<&[u8]> = wanted
            .iter()
            .filter_map(|k| self.objects.get(k).map(Vec::as_slice))
            .collect();
        parts.push(&self.end);
        parts
    }

    /// Every object key, in order.
    pub fn all_keys(&self) -> Vec<String> {
        self.objects.keys().cloned().collect()
    }

    /// How many objects the release has (its skeleton included).
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

/// Drops from the store of every server of `fleet` the objects no kept release uses (an hour
/// old at least): how many each server dropped. A kept release never loses a file.
pub fn prune_stores(
    profiles: &crate::profile::Profiles,
    fleet: &crate::fleet::Fleet,
    progress: &crate::progress::Progress,
) -> Vec<crate::fleet::HostResult<u64>> {
    fleet.each(None, progress, "gc", |host, t, _| {
        let install = &profiles.of_host(host).profile.app.install_dir;
        let script = format!(
            "I={}\n{}",
            crate::transport::shell_quote(&format!("{}{install}", t.root())),
            super::remote::PRUNE_STORE
        );
        let o = t.run(&script, b"", std::time::Duration::from_secs(600))?;
        anyhow::ensure!(o.ok(), "{}", o.stderr_text().trim());
        Ok(o.stdout_text()
            .lines()
            .find_map(|l| l.strip_prefix("STORE_PRUNED\t")?.trim().parse().ok())
            .unwrap_or(0))
    })
}

/// Keys named in a server's answer: only those of the layout (anything else is ignored).
pub fn known_keys(layout: &Layout, lines: &str) -> Vec<String> {
    lines
        .lines()
        .map(str::trim)
        .filter(|k| layout.objects.contains_key(*k))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(files: &[(&str, &[u8], u32)]) -> Vec<u8> {
        let gz = GzEncoder::new(Vec::new(), Compression::fast());
        let mut b = tar::Builder::new(gz);
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Directory);
        h.set_mode(0o755);
        h.set_size(0);
        h.set_cksum();
        b.append_data(&mut h, "bin", std::io::empty()).unwrap();
        for (p, d, m) in files {
            let mut h = tar::Header::new_ustar();
            h.set_mode(*m);
            h.set_size(d.len() as u64);
            h.set_cksum();
            b.append_data(&mut h, p, *d).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn the_same_content_is_one_object_and_packs_unpack_as_one_tar() {
        let c = canonical(&[
            ("a.txt", b"same", 0o644),
            ("b.txt", b"same", 0o644),
            ("bin/run", b"same", 0o755),
        ]);
        let l = Layout::of(&c, "1.0").unwrap();
        // one object for the plain content, one for the executable, one skeleton
        assert_eq!(l.all_keys().len(), 3);
        assert!(l.all_keys().iter().any(|k| k.ends_with('x')));
        let wanted = l.all_keys();
        let bytes: Vec<u8> = l.pack(&wanted).concat();
        let mut names = Vec::new();
        let mut a = tar::Archive::new(flate2::read::MultiGzDecoder::new(bytes.as_slice()));
        for e in a.entries().unwrap() {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().into_owned();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            let mode = e.header().mode().unwrap();
            assert_eq!(key_of(&data, mode), name);
            names.push(name);
        }
        assert_eq!(names, wanted);
        assert_eq!(known_keys(&l, "nonsense\n../x\n"), Vec::<String>::new());
    }

    /// Runs a store script as a server would (under `sh`, its input on stdin).
    fn run(script: &str, input: &[u8]) -> String {
        use std::process::{Command, Stdio};
        let mut c = Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = c.stdin.take().unwrap();
        let data = input.to_vec();
        let feeder = std::thread::spawn(move || {
            let _ = stdin.write_all(&data);
        });
        let o = c.wait_with_output().unwrap();
        feeder.join().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    fn missing(l: &Layout, out: &str) -> Vec<String> {
        known_keys(l, out.split_once("@missing\n").unwrap().1)
    }

    #[test]
    fn a_server_keeps_only_whole_objects_whose_content_matches_their_announced_name() {
        let c = canonical(&[
            ("a.txt", b"alpha", 0o644),
            ("bin/run", b"#!/bin/sh\n", 0o755),
        ]);
        let l = Layout::of(&c, "1.0").unwrap();
        let root = tempfile::tempdir().unwrap();
        let r = root.path().to_str().unwrap();
        let all = l.all_keys();
        // nothing there yet: everything is missing
        let out = run(&remote::survey_script(r, "/app", &l.keys_sha), &l.keys_gz);
        assert_eq!(missing(&l, &out), all);
        // a pack whose first object was tampered with on the way (same name, other content)
        let tampered = member(&all[0], b"not what was announced", 0o644).unwrap();
        let mut parts = vec![tampered.as_slice()];
        parts.extend(l.pack(&all[1..]));
        let out = run(
            &remote::receive_script(r, "/app", &l.keys_sha, 1000),
            &parts.concat(),
        );
        assert_eq!(
            missing(&l, &out),
            vec![all[0].clone()],
            "the tampered object is refused"
        );
        // a pack cut in the middle of its last object keeps the whole ones before it
        let whole = l.pack(&all).concat();
        let last = l.objects[&all[all.len() - 1]].len();
        let cut = &whole[..whole.len() - l.end.len() - last / 2];
        std::fs::remove_dir_all(root.path().join("app/releases/.store/objects")).unwrap();
        std::fs::create_dir(root.path().join("app/releases/.store/objects")).unwrap();
        let out = run(&remote::receive_script(r, "/app", &l.keys_sha, 1000), cut);
        let left = missing(&l, &out);
        assert!(!left.is_empty() && left.len() < all.len(), "{left:?}");
        // and the next round sends only what is missing
        let out = run(
            &remote::receive_script(r, "/app", &l.keys_sha, 1000),
            &l.pack(&left).concat(),
        );
        assert!(missing(&l, &out).is_empty());
        for k in &all {
            let data =
                std::fs::read(root.path().join("app/releases/.store/objects").join(k)).unwrap();
            let sha = sha256(&data);
            assert!(k.starts_with(&sha));
            // modes come from the key: an executable's object is 0755, any other 0644
            use std::os::unix::fs::PermissionsExt;
            let path = root.path().join("app/releases/.store/objects").join(k);
            let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, if k.ends_with('x') { 0o755 } else { 0o644 }, "{k}");
        }
    }

    /// A relay passes on each object as soon as it holds it: its receiver starts before the
    /// relay has anything and ends with everything; an object the relay holds with another
    /// content than its name says is refused by the receiver.
    #[test]
    fn a_relay_passes_objects_on_as_they_arrive_and_its_receivers_check_them() {
        let c = canonical(&[
            ("a.txt", b"alpha", 0o644),
            ("b.txt", b"beta", 0o644),
            ("bin/run", b"#!/bin/sh\n", 0o755),
        ]);
        let l = Layout::of(&c, "1.0").unwrap();
        let all = l.all_keys();
        let (relay, receiver) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (r, v) = (
            relay.path().to_str().unwrap(),
            receiver.path().to_str().unwrap(),
        );
        let tokens = ["00ff".to_string()];
        let out = run(
            &remote::relay_start_script(r, "/app", &l.keys_sha, &tokens),
            &l.keys_gz,
        );
        let port: u16 = out
            .lines()
            .find_map(|l| l.strip_prefix("PORT ")?.parse().ok())
            .unwrap();
        assert_eq!(missing(&l, &out), all, "the relay holds nothing yet");
        let survey = run(&remote::survey_script(v, "/app", &l.keys_sha), &l.keys_gz);
        assert_eq!(missing(&l, &survey), all);
        let fetch = remote::relay_fetch_script(v, "/app", &l.keys_sha, "127.0.0.1", port, "00ff");
        let receiving = std::thread::spawn(move || run(&fetch, b""));
        std::thread::sleep(std::time::Duration::from_millis(1500));
        assert!(!receiving.is_finished(), "the receiver waits for the relay");
        // the first object arrives tampered with on the relay (its name, another content)
        let objects = relay.path().join("app/releases/.store/objects");
        std::fs::write(objects.join(&all[0]), b"not what was announced").unwrap();
        run(
            &remote::receive_script(r, "/app", &l.keys_sha, 1000),
            &l.pack(&all[1..]).concat(),
        );
        let out = receiving.join().unwrap();
        assert_eq!(missing(&l, &out), vec![all[0].clone()], "{out}");
        run(&remote::relay_stop_script(r, "/app", &l.keys_sha), b"");
        let kept = receiver.path().join("app/releases/.store/objects");
        assert!(!kept.join(&all[0]).exists());
        for k in &all[1..] {
            assert!(k.starts_with(&sha256(&std::fs::read(kept.join(k)).unwrap())));
        }
    }
}
