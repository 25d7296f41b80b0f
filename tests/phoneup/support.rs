//! What the integration tests are built on: [`Test`], one test's own folder (removed when the
//! test ends, also when it fails) and the phoneup it runs there; phoneup for commands that keep no
//! state; and the fixtures the tests share. Used by both test targets (`phoneup` and `system`),
//! so each uses a part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use phoneup::files::loads::stand_in as stand_in_loads;
use phoneup::files::xml_default_cnf_xml;
use phoneup::plan::replay::STAND_IN_IMAGE;
use phoneup::Model;
use serde_json::Value;
use tempfile::TempDir;

/// One test: a folder of its own under the system temp dir, removed when the test ends, also
/// when it panics (a [`TempDir`] is removed on drop), and phoneup run with its state (undo
/// journals) in `state/` there, never in the user's `~/.local/state`. It derefs to its folder.
pub struct Test {
    temp: TempDir,
}

impl Test {
    pub fn new() -> Test {
        Test::named("test")
    }

    /// A test whose folder's name starts with `phoneup-NAME-`, to tell it apart when it is kept
    /// (a process still writing there) or looked at while the test runs.
    pub fn named(name: &str) -> Test {
        let temp = tempfile::Builder::new()
            .prefix(&format!("phoneup-{name}-"))
            .tempdir()
            .expect("a folder under the temp dir can be made");
        Test { temp }
    }

    /// The test's folder.
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// A fresh folder `name` in the test's folder, holding `files`.
    pub fn dir(&self, name: &str, files: &[(&str, &[u8])]) -> PathBuf {
        let dir = self.path().join(name);
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in files {
            fs::write(dir.join(name), bytes).unwrap();
        }
        dir
    }

    /// A user's plausible TFTP root, `name`: the (empty, stand-in) firmware the card's plan
    /// needs, [`USERS_SIPDEFAULT`] and [`USERS_XMLDEFAULT`].
    pub fn users_root(&self, name: &str) -> PathBuf {
        self.dir(
            name,
            &[
                ("P0S3-06-3-00.bin", b""),
                ("P003-08-11-00.sbn", b""),
                ("P0S3-08-11-00.sb2", b""),
                (
                    "P0S3-08-11-00.loads",
                    b"P003-08-11-00.sbn\nP0S3-08-11-00.sb2\n",
                ),
                ("SIPDefault.cnf", USERS_SIPDEFAULT.as_bytes()),
                ("XMLDefault.cnf.xml", USERS_XMLDEFAULT.as_bytes()),
            ],
        )
    }

    /// A root `name` of the card's firmware and SIP 6.3's `.sbn` (stand-ins all), with `files`
    /// added (`None` removes a file).
    pub fn firmware_root(&self, name: &str, files: &[(&str, Option<&[u8]>)]) -> PathBuf {
        let mut all = firmware_for_the_card();
        all.push(("P0S3-06-3-00.sbn", STAND_IN_IMAGE.to_vec()));
        for (file, bytes) in files {
            all.retain(|(n, _)| n != file);
            if let Some(bytes) = bytes {
                all.push((file, bytes.to_vec()));
            }
        }
        let borrowed: Vec<(&str, &[u8])> = all.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        self.dir(name, &borrowed)
    }

    /// A root `name` with the card's (stand-in) firmware and [`USERS_XML`].
    pub fn card_root_with_users_xml(&self, name: &str) -> PathBuf {
        let firmware = firmware_for_the_card();
        let mut files: Vec<(&str, &[u8])> =
            firmware.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        files.push(("XMLDefault.cnf.xml", USERS_XML.as_bytes()));
        self.dir(name, &files)
    }

    /// The folder this test's phoneup keeps its state in (`XDG_STATE_HOME`).
    pub fn state_home(&self) -> PathBuf {
        self.path().join("state")
    }

    /// Where this test's phoneup keeps the undo journal of `root`.
    pub fn journal_of(&self, root: &Path) -> PathBuf {
        let canonical = fs::canonicalize(root).unwrap();
        self.state_home()
            .join("phoneup/journal")
            .join(phoneup::tftp_root::state::key(&canonical))
    }

    /// The phoneup binary, with colour and the user's environment kept out of the way and its
    /// state in [`Test::state_home`].
    pub fn phoneup(&self) -> Command {
        let mut command = Command::cargo_bin("phoneup").expect("the binary builds");
        command
            .env("NO_COLOR", "1")
            .env_remove("TERM")
            .env("XDG_STATE_HOME", self.state_home());
        command
    }

    /// Runs phoneup and returns (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        run_command(self.phoneup().args(args))
    }

    /// [`Test::run`] with owned arguments.
    pub fn run_owned(&self, args: &[String]) -> (i32, String, String) {
        run_command(self.phoneup().args(args))
    }

    /// Runs phoneup with `args`, which ask for JSON: the exit code and the JSON printed.
    pub fn json(&self, args: &[&str]) -> (i32, Value) {
        parsed(self.run(args))
    }

    /// Runs `phoneup ARGS --format json`: the exit code, the JSON printed and stderr.
    pub fn run_json(&self, args: &[&str]) -> (i32, Value, String) {
        let (code, stdout, stderr) = self.run(&[args, &["--format", "json"]].concat());
        let (code, value) = parsed((code, stdout, stderr.clone()));
        (code, value, stderr)
    }

    /// Starts `phoneup ARGS` in the background with this test's state.
    pub fn start(&self, args: &[String]) -> Background {
        Background::spawn(args, &self.state_home())
    }

    /// `phoneup undo --tftp-root DIR`.
    pub fn undo(&self, dir: &Path) -> (i32, String, String) {
        self.run(&["undo", "--tftp-root", dir.to_str().unwrap()])
    }

    /// Runs `undo` until there is nothing left to undo (at most `most` times).
    pub fn undo_all(&self, dir: &Path, most: usize) {
        for _ in 0..most {
            let (code, stdout, stderr) = self.undo(dir);
            match code {
                0 => continue,
                1 => return,
                _ => panic!("undo failed: {stdout}{stderr}"),
            }
        }
        panic!("undo still had something to undo after {most} runs");
    }

    /// `phoneup apply` of the card's stage `stage` to `dir` (no `--force`), then `extra`.
    pub fn apply_card(&self, dir: &Path, stage: &str, extra: &[&str]) -> (i32, String, String) {
        let root = dir.to_str().unwrap();
        let mut args = card("apply", &["--stage", stage, "--tftp-root", root]);
        args.extend(extra);
        self.run(&args)
    }

    /// `phoneup lint --tftp-root DIR --format json`: the exit code and the findings.
    pub fn lint_findings(&self, dir: &Path) -> (i32, Vec<Value>) {
        let (code, value) = self.json(&[
            "lint",
            "--tftp-root",
            dir.to_str().unwrap(),
            "--format",
            "json",
        ]);
        (code, value["findings"].as_array().unwrap().clone())
    }
}

impl Deref for Test {
    type Target = Path;

    fn deref(&self) -> &Path {
        self.path()
    }
}

impl AsRef<Path> for Test {
    fn as_ref(&self) -> &Path {
        self.path()
    }
}

/// `XDG_STATE_HOME` for a phoneup run outside any [`Test`]: a place where no folder can be made,
/// so that a command which keeps state fails there (and its test is told to use a `Test`)
/// instead of writing to the user's `~/.local/state`.
const NO_STATE: &str = "/dev/null/phoneup-tests-keep-no-state";

/// The phoneup binary for a command that keeps no state (plan, check, identify, ...), with
/// colour and the user's environment kept out of the way.
pub fn phoneup() -> Command {
    let mut command = Command::cargo_bin("phoneup").expect("the binary builds");
    command
        .env("NO_COLOR", "1")
        .env_remove("TERM")
        .env("XDG_STATE_HOME", NO_STATE);
    command
}

/// Runs a command that keeps no state and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    run_command(phoneup().args(args))
}

/// [`run`] with owned arguments.
pub fn run_owned(args: &[String]) -> (i32, String, String) {
    run_command(phoneup().args(args))
}

/// Runs a phoneup `command` set up by the caller and returns (exit code, stdout, stderr).
pub fn run_command(command: &mut Command) -> (i32, String, String) {
    let output = command.output().expect("phoneup runs");
    (
        output
            .status
            .code()
            .expect("phoneup exits, not killed by a signal"),
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    )
}

/// The exit code and the JSON on stdout of a run.
fn parsed((code, stdout, stderr): (i32, String, String)) -> (i32, Value) {
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value)
}

/// Runs phoneup with `args`, which ask for JSON and keep no state: the exit code and the JSON.
pub fn json(args: &[&str]) -> (i32, Value) {
    parsed(run(args))
}

/// Runs `phoneup ARGS --format json`, which keeps no state: the exit code, the JSON printed and
/// stderr.
pub fn run_json(args: &[&str]) -> (i32, Value, String) {
    let (code, stdout, stderr) = run(&[args, &["--format", "json"]].concat());
    let (code, value) = parsed((code, stdout, stderr.clone()));
    (code, value, stderr)
}

/// `phoneup plan --from FROM --to TO --format json EXTRA...`: the exit code and the plan.
pub fn plan_json(from: &str, to: &str, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["plan", "--from", from, "--to", to, "--format", "json"];
    args.extend(extra);
    json(&args)
}

/// A phoneup process started in the background, killed if it is still running when dropped.
pub struct Background(Option<Child>);

impl Background {
    /// Starts `phoneup ARGS`, a command that keeps no state ([`Test::start`] for one that does).
    pub fn start(args: &[String]) -> Background {
        Background::spawn(args, Path::new(NO_STATE))
    }

    fn spawn(args: &[String], state_home: &Path) -> Background {
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("phoneup"))
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("TERM")
            .env("XDG_STATE_HOME", state_home)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("phoneup starts");
        Background(Some(child))
    }

    /// Waits at most `limit` for the process; a process still running then is killed and the
    /// test fails (a hang). Returns its exit code (`None` when a signal ended it) and output.
    pub fn wait(mut self, limit: Duration) -> (Option<i32>, String, String) {
        let mut child = self.0.take().unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!("phoneup did not finish within {limit:?}: it hangs");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let output = child.wait_with_output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Sends SIGKILL now (`kill -9`), and reaps the process.
    pub fn kill(mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A file's owner, group and mode bits.
pub fn owner_and_mode(path: &Path) -> (u32, u32, u32) {
    use std::os::unix::fs::MetadataExt;
    let m = fs::metadata(path).unwrap();
    (m.uid(), m.gid(), m.mode() & 0o7777)
}

/// Whether the tests run as root (some tests give files to another user, or run as one).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The MAC the tests give a phone of their own when one is needed.
pub const MAC: &str = "0018B9FFFFFF";

/// `COMMAND --from P0030301MFG2 --to P0S3-08-11-00 EXTRA...`: the design card's route.
pub fn card<'a>(command: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![command, "--from", "P0030301MFG2", "--to", "P0S3-08-11-00"];
    args.extend_from_slice(extra);
    args
}

/// `apply --from P0030301MFG2 --to P0S3-08-11-00 --force --stage STAGE --tftp-root DIR EXTRA...`:
/// a stage of the card, whether its firmware is there or not.
pub fn forced_apply(dir: &Path, stage: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = card("apply", &["--force", "--stage", stage, "--tftp-root"])
        .into_iter()
        .map(str::to_string)
        .collect();
    args.push(dir.to_str().unwrap().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// `ARGS --tftp-root DIR`.
pub fn root_args<'a>(args: &[&'a str], dir: &'a Path) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--tftp-root", dir.to_str().unwrap()]);
    all
}

/// Stand-ins for the firmware the card's plan needs: SIP 6.3's `.bin`, the 8.11 loader's `.bin`
/// and `.sbn`, and the 8.11 `.loads` set.
pub fn firmware_for_the_card() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("P0S3-06-3-00.bin", STAND_IN_IMAGE.to_vec()),
        ("P003-08-11-00.sbn", STAND_IN_IMAGE.to_vec()),
        ("P003-08-11-00.bin", STAND_IN_IMAGE.to_vec()),
        ("P0S3-08-11-00.sb2", STAND_IN_IMAGE.to_vec()),
        (
            "P0S3-08-11-00.loads",
            stand_in_loads("P0S3-08-11-00", "P003-08-11-00", "P0S3-08-11-00").into_bytes(),
        ),
    ]
}

/// A user's `SIPDefault.cnf`: CR LF, an inline comment and a line password.
pub const USERS_SIPDEFAULT: &str =
    "proxy1_address: \"10.0.0.1\"\r\nimage_version: OLD ; c\r\nline1_password: \"secret\"\r\n";
/// A user's `XMLDefault.cnf.xml`, naming an old load.
pub const USERS_XMLDEFAULT: &str = "<Default>\n  <callManagerGroup/>\n  <loadInformation8 model=\"IP Phone 7940\">OLD</loadInformation8>\n</Default>\n";

/// The user's own `XMLDefault.cnf.xml`, with settings phoneup must keep, and no load.
pub const USERS_XML: &str =
    "<Default>\n  <callManagerGroup><members/></callManagerGroup>\n</Default>\n";

/// An `XMLDefault.cnf.xml` that names `load` for both models.
pub fn xml_naming(load: &str) -> Vec<u8> {
    xml_default_cnf_xml::render(load, Model::Both).into_bytes()
}

/// A root as it is after the card's third stage, with the whole 8.11 package.
pub fn clean_root() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("OS79XX.TXT", b"P003-08-11-00\n".to_vec()),
        ("XMLDefault.cnf.xml", xml_naming("P0S3-08-11-00")),
        (
            "SIPDefault.cnf",
            b"# mine\nproxy1_address: 10.0.0.1 ; pbx\nimage_version: P0S3-08-11-00\n".to_vec(),
        ),
        ("SIP0018B9FFFFFF.cnf", b"line1_name: 100\n".to_vec()),
        ("P003-08-11-00.bin", vec![0; 100]),
        ("P003-08-11-00.sbn", vec![0; 504]),
        (
            "P0S3-08-11-00.loads",
            stand_in_loads("P0S3-08-11-00", "P003-08-11-00", "P0S3-08-11-00").into_bytes(),
        ),
        ("P0S3-08-11-00.sb2", STAND_IN_IMAGE.to_vec()),
        ("RINGLIST.DAT", b"CTU CTU.raw\n".to_vec()),
    ]
}

/// [`clean_root`] with `changes` made (`None` removes a file).
pub fn clean_root_with(changes: &[(&'static str, Option<&[u8]>)]) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = clean_root();
    for (name, bytes) in changes {
        files.retain(|(n, _)| n != name);
        if let Some(bytes) = bytes {
            files.push((name, bytes.to_vec()));
        }
    }
    files
}

/// A JSON array of strings, as strings.
pub fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The findings of one `kind`.
pub fn with_kind<'a>(findings: &'a [Value], kind: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["kind"] == kind).collect()
}

/// What an entry of a directory tree is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    File(Vec<u8>),
    Link(PathBuf),
    Folder,
    Other,
}

/// Every entry below `dir` (links not followed), by path relative to `dir`.
pub fn tree(dir: &Path) -> BTreeMap<String, Node> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Node>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let metadata = fs::symlink_metadata(&path).unwrap();
            let node = if metadata.file_type().is_symlink() {
                Node::Link(fs::read_link(&path).unwrap())
            } else if metadata.is_dir() {
                walk(base, &path, out);
                Node::Folder
            } else if metadata.is_file() {
                Node::File(fs::read(&path).unwrap())
            } else {
                Node::Other
            };
            out.insert(name, node);
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts that the user's root `dir` ([`Test::users_root`]) holds its original files again,
/// and nothing else has changed since `before`.
pub fn originals_restored(dir: &Path, before: &BTreeMap<String, Node>) {
    assert_eq!(
        fs::read_to_string(dir.join("XMLDefault.cnf.xml")).unwrap(),
        USERS_XMLDEFAULT
    );
    assert_eq!(
        fs::read_to_string(dir.join("SIPDefault.cnf")).unwrap(),
        USERS_SIPDEFAULT
    );
    assert_eq!(
        &tree(dir),
        before,
        "the root is as it was, and nothing was left in it"
    );
}

/// The 7961G's bridge, SCCP 8.5(2): its `.loads`, listing stand-in components (the sources do not
/// name them).
pub const BRIDGE: &str = "SCCP41.8-5-2S.loads\r\njar41sccp.stand-in-852.sbn \r\ncnu41.stand-in-852.sbn\r\napps41.stand-in-852.sbn\r\ndsp41.stand-in-852.sbn \r\ncvm41sccp.stand-in-852.sbn \r\n";

/// A 79x1 package's files from its manifest: the `.loads`, the components it lists (stand-ins)
/// and, when `term`, the 7961G's term file listing the same.
pub fn package(manifest: &str, term: bool) -> Vec<(String, Vec<u8>)> {
    let name = manifest.split("\r\n").next().unwrap().to_string();
    let mut files = vec![(name, manifest.as_bytes().to_vec())];
    for line in manifest.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
        files.push((line.trim().to_string(), b"stand-in".to_vec()));
    }
    if term {
        files.push(("term61.default.loads".into(), manifest.as_bytes().to_vec()));
    }
    files
}
