//! `phoneup serve` asks a managed phone it has not placed for its web page (`DeviceInformationX`),
//! over real TCP on loopback: each phone of the phone model answers on its own loopback address
//! with the page its load serves ([`phoneup::phone::web_page`]) on the port
//! `PHONEUP_DEVICE_INFO_PORT` names, so that an SCCP phone of the UAL era walks in its plan's
//! stages with no load named anywhere and no CDP; a SIP phone serves no page and costs what its
//! requests alone cost (its one stage too). Every server is stopped by a guard, also when the
//! test fails.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use phoneup::knowledge::matrix::Matrix;
use phoneup::knowledge::phones::Model;
use phoneup::knowledge::Builtin;
use phoneup::phone::web_page::device_information;
use phoneup::wire::serve::placement::{Knowledge, Proposal};
use phoneup::LoadId;

use super::bench::{bench_root, leases, power_cycle, scratch, Bench, Serve, TARGET};
use super::loopback::free_port;

/// A phone's web server: answers `GET /DeviceInformationX` with the page of the load the phone
/// runs (`running`), or closes at once when that load serves none; stopped when dropped.
struct WebPage {
    stop: Arc<AtomicBool>,
    asked: Arc<Mutex<u32>>,
    thread: Option<JoinHandle<()>>,
}

impl WebPage {
    fn start(at: SocketAddr, mac: &'static str, running: Arc<Mutex<String>>) -> WebPage {
        let listener = TcpListener::bind(at).expect("the phone's web port");
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let asked = Arc::new(Mutex::new(0));
        let thread = std::thread::spawn({
            let (stop, asked) = (Arc::clone(&stop), Arc::clone(&asked));
            move || {
                while !stop.load(Ordering::Relaxed) {
                    let Ok((mut stream, _)) = listener.accept() else {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    };
                    *asked.lock().unwrap() += 1;
                    stream.set_nonblocking(false).unwrap();
                    stream
                        .set_read_timeout(Some(Duration::from_secs(2)))
                        .unwrap();
                    let mut request = [0; 1024];
                    let n = stream.read(&mut request).unwrap_or(0);
                    assert!(
                        request[..n].starts_with(b"GET /DeviceInformationX HTTP/1.0\r\n"),
                        "{}",
                        String::from_utf8_lossy(&request[..n])
                    );
                    let load = LoadId::parse(&running.lock().unwrap()).unwrap();
                    if let Some(page) = device_information(&load, Model::M7940, mac) {
                        let head = format!(
                            "HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
                            page.len()
                        );
                        let _ = stream.write_all(head.as_bytes());
                        let _ = stream.write_all(page.as_bytes());
                    }
                }
            }
        });
        WebPage {
            stop,
            asked,
            thread: Some(thread),
        }
    }
}

impl Drop for WebPage {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Power-cycles `phone` until it runs [`TARGET`] (at most `cycles`); how many it took, its web
/// page kept on the load it runs.
fn cycles_to_target(
    server: SocketAddr,
    phone: &Bench,
    running: &Mutex<String>,
    cycles: usize,
) -> Option<usize> {
    for n in 0..cycles {
        let now = running.lock().unwrap().clone();
        if now == TARGET {
            return Some(n);
        }
        let next = power_cycle(server, phone, &now);
        *running.lock().unwrap() = next;
    }
    None
}

#[test]
fn serve_reads_an_sccp_phones_web_page_and_walks_it_in_its_stages_with_no_load_named() {
    let dir = scratch("web-page");
    let root = bench_root(&dir);
    let bench = [
        Bench {
            ip: "127.0.0.41",
            mac: "0018B9000041",
            from: "P00308000700",
            to: TARGET,
        },
        Bench {
            ip: "127.0.0.42",
            mac: "0018B9000042",
            from: "P0030702T023",
            to: TARGET,
        },
        Bench {
            ip: "127.0.0.43",
            mac: "0018B9000043",
            from: "P0S3-07-4-00",
            to: TARGET,
        },
    ];
    let port = free_port("127.0.0.1");
    let mut pages = Vec::new();
    let mut running = Vec::new();
    for phone in &bench {
        let load = Arc::new(Mutex::new(phone.from.to_string()));
        let at: SocketAddr = format!("{}:{port}", phone.ip).parse().unwrap();
        pages.push(WebPage::start(at, phone.mac, Arc::clone(&load)));
        running.push(load);
    }
    let leases = leases(&dir, &bench);
    let state = super::bench::state_file(&dir);
    let server: SocketAddr = format!("127.0.0.1:{}", free_port("127.0.0.1"))
        .parse()
        .unwrap();
    let port_text = port.to_string();
    let serve = Serve::start_with(
        server,
        &[
            "--root",
            root.to_str().unwrap(),
            "--to",
            TARGET,
            "--all",
            "--leases",
            leases.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
        ],
        &dir.join("events.jsonl"),
        &[("PHONEUP_DEVICE_INFO_PORT", Path::new(&port_text))],
    );
    let matrix = Matrix::builtin().unwrap();
    let knowledge = Knowledge::new(&matrix, None);
    let mut took = Vec::new();
    for (phone, load) in bench.iter().zip(&running) {
        let stages = match knowledge.proposal(phone.from, TARGET) {
            Proposal::Stage { stages, .. } => stages,
            other => panic!("{other:?}"),
        };
        took.push((
            phone.from,
            stages,
            cycles_to_target(server, phone, load, 20),
        ));
    }
    let events = serve.events();
    let (code, _) = serve.stop();
    let asked: Vec<u32> = pages.iter().map(|p| *p.asked.lock().unwrap()).collect();
    drop(pages);
    // The SCCP phones serve a page: one power cycle for their one stage. The SIP phone serves
    // none: its requests alone place it, in the same boot (an XMLDefault.cnf.xml that names no
    // load sends only a SIP application on to SIPDefault.cnf).
    assert_eq!(
        took,
        [
            ("P00308000700", 1, Some(1)),
            ("P0030702T023", 1, Some(1)),
            ("P0S3-07-4-00", 1, Some(1)),
        ],
        "{events:#?}"
    );
    let heard: Vec<&serde_json::Value> = events.iter().filter(|e| e["event"] == "heard").collect();
    assert_eq!(heard.len(), 2, "{heard:#?}");
    for (event, phone) in heard.iter().zip(&bench) {
        assert_eq!(event["mac"], phone.mac);
        assert_eq!(event["load"], phone.from);
        let why = event["why"].as_str().unwrap();
        assert!(
            why.starts_with(&format!(
                "its web page (DeviceInformationX, appLoadID {}): serve narrows",
                phone.from
            )),
            "{why}"
        );
    }
    // Asked once a boot while unplaced, never once placed.
    assert_eq!(asked[..2], [1, 1], "{asked:?}");
    assert_eq!(asked[2], 1, "{asked:?}");
    assert_eq!(code, 1, "the SIP phone is not seen done yet");
}
