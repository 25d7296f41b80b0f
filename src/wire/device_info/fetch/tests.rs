//! Against a server in the test on 127.0.0.1 that accepts one connection (waiting 5 s at most
//! for it) and answers as told.

use std::net::TcpListener;
use std::thread::JoinHandle;

use super::*;
use crate::wire::device_info::page::tests::CP_7940_SCCP_8_1_2;

/// What the server saw: the request it read, and how many connections came in all.
struct Seen {
    request: String,
    connections: usize,
}

/// A server that reads one request, answers with `reply`, closes, and counts further
/// connections for 300 ms.
fn server(reply: impl FnOnce(&mut TcpStream) + Send + 'static) -> (SocketAddr, JoinHandle<Seen>) {
    server_on("127.0.0.1:0", reply)
}

/// [`server`] on another loopback address.
fn server_on(
    bind: &str,
    reply: impl FnOnce(&mut TcpStream) + Send + 'static,
) -> (SocketAddr, JoinHandle<Seen>) {
    let listener = TcpListener::bind(bind).unwrap();
    listener.set_nonblocking(true).unwrap();
    let address = listener.local_addr().unwrap();
    let thread = std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(5);
        let mut stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(_) if Instant::now() < until => std::thread::sleep(Duration::from_millis(5)),
                Err(e) => panic!("no connection within 5 s: {e}"),
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let mut request = Vec::new();
        let mut byte = [0];
        while !request.ends_with(b"\r\n\r\n") && request.len() < 4096 {
            match stream.read(&mut byte) {
                Ok(1) => request.push(byte[0]),
                _ => break,
            }
        }
        reply(&mut stream);
        drop(stream);
        let mut connections = 1;
        let quiet = Instant::now() + Duration::from_millis(300);
        while Instant::now() < quiet {
            if listener.accept().is_ok() {
                connections += 1;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Seen {
            request: String::from_utf8_lossy(&request).into_owned(),
            connections,
        }
    });
    (address, thread)
}

fn answer(head: &str, body: &[u8]) -> impl FnOnce(&mut TcpStream) + Send + 'static {
    let mut bytes = head.replace('\n', "\r\n").into_bytes();
    bytes.extend_from_slice(b"\r\n");
    bytes.extend_from_slice(body);
    move |stream| {
        let _ = stream.write_all(&bytes);
    }
}

fn quick() -> Limits {
    Limits {
        connect: Duration::from_secs(2),
        idle: Duration::from_millis(400),
        total: Duration::from_millis(800),
        answer: Limits::default().answer,
    }
}

#[test]
fn a_phone_that_answers_as_a_7940_does_gives_its_page() {
    // The head a CP-7940's RomPager sent (FusionInventory's "Specs for POIP"), with the body's
    // own length.
    let head = format!(
        "HTTP/1.1 200 OK\nContent-Type: text/xml; charset=\"utf-8\"\nDate: Thu, 21 Mar 2013 15:42:33 GMT\n\
         Cache-Control: no-cache\nExpires: Thu, 26 Oct 1995 00:00:00 GMT\nContent-Length: {}\n\
         Server: Allegro-Software-RomPager/4.34\n",
        CP_7940_SCCP_8_1_2.len()
    );
    let (address, seen) = server(answer(&head, CP_7940_SCCP_8_1_2.as_bytes()));
    let info = fetch(address, &Limits::default()).unwrap();
    assert_eq!(info.app_load_id.as_deref(), Some("P00308010200"));
    assert_eq!(info.model(), Some(crate::knowledge::phones::Model::M7940));
    let seen = seen.join().unwrap();
    assert_eq!(
        seen.request,
        "GET /DeviceInformationX HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: phoneup\r\nConnection: close\r\n\r\n"
    );
    assert_eq!(seen.connections, 1);
    // Over IPv6 the Host header brackets the address.
    let (address, seen) = server_on(
        "[::1]:0",
        answer("HTTP/1.0 200 OK\n", CP_7940_SCCP_8_1_2.as_bytes()),
    );
    assert!(fetch(address, &quick()).is_ok());
    assert!(seen.join().unwrap().request.contains("\r\nHost: [::1]\r\n"));
    // No length, no type: the body runs to the end of the connection.
    let (address, seen) = server(answer("HTTP/1.0 200 OK\n", CP_7940_SCCP_8_1_2.as_bytes()));
    assert_eq!(
        fetch(address, &quick()).unwrap().mac_address.as_deref(),
        Some("0003E369A125")
    );
    seen.join().unwrap();
    // Bytes past the Content-Length are not read as the page.
    let head = format!(
        "HTTP/1.0 200 OK\nContent-Length: {}\n",
        CP_7940_SCCP_8_1_2.len()
    );
    let mut body = CP_7940_SCCP_8_1_2.as_bytes().to_vec();
    body.extend(b"<junk>");
    let (address, seen) = server(answer(&head, &body));
    assert!(fetch(address, &quick()).is_ok());
    seen.join().unwrap();
}

#[test]
fn no_web_server_is_an_answer_of_its_own() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let error = fetch(address, &quick()).unwrap_err();
    assert!(error.is_no_web_server(), "{error}");
    assert_eq!(
        error.to_string(),
        format!("{address} refuses HTTP: no web server there (SIP loads have none)")
    );
}

#[test]
fn a_slow_or_silent_phone_is_given_up_at_the_deadline() {
    // One byte every 50 ms: every read makes progress, the whole never ends.
    let (address, seen) = server(|stream| {
        let _ = stream.write_all(b"HTTP/1.0 200 OK\r\n");
        let until = Instant::now() + Duration::from_secs(3);
        while Instant::now() < until && stream.write_all(b"X").is_ok() {
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let started = Instant::now();
    let error = fetch(address, &quick()).unwrap_err();
    let took = started.elapsed();
    assert!(matches!(error, FetchError::Timeout { .. }), "{error}");
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_millis(1500),
        "{took:?}"
    );
    assert!(error
        .to_string()
        .starts_with(&format!("{address} did not send its page within 0.")));
    seen.join().unwrap();
    // Connected, then nothing at all: given up after one idle wait.
    let (address, seen) = server(|_| std::thread::sleep(Duration::from_millis(600)));
    let started = Instant::now();
    let limits = Limits {
        idle: Duration::from_millis(300),
        total: Duration::from_secs(5),
        ..quick()
    };
    let error = fetch(address, &limits).unwrap_err();
    assert!(matches!(error, FetchError::Timeout { .. }), "{error}");
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    seen.join().unwrap();
}

#[test]
fn an_answer_past_the_size_limit_is_cut_off() {
    let (address, seen) = server(|stream| {
        let _ = stream
            .write_all(b"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n<DeviceInformation>");
        for _ in 0..64 {
            if stream.write_all(&[b' '; 4096]).is_err() {
                break;
            }
        }
    });
    let error = fetch(address, &quick()).unwrap_err();
    assert!(
        matches!(error, FetchError::TooLarge { limit, .. } if limit == MAX_PAGE_LEN + 4096),
        "{error}"
    );
    seen.join().unwrap();
}

#[test]
fn anything_but_a_200_with_xml_is_refused_and_no_redirect_followed() {
    let cases: Vec<(String, Vec<u8>, &str)> = vec![
        (String::new(), b"SSH-2.0-OpenSSH_9.2\r\n\r\n".to_vec(), "does not answer in HTTP"),
        (String::new(), vec![0xff, 0xfe, 0, 1, 2], "does not answer in HTTP"),
        ("HTTP/1.0 OK\n".into(), Vec::new(), "does not answer in HTTP"),
        ("HTTP/1.0 404 Not Found\n".into(), b"<DeviceInformation/>".to_vec(), "answered HTTP 404, not 200"),
        (
            "HTTP/1.0 302 Found\nLocation: http://192.0.2.1/DeviceInformationX\n".into(),
            Vec::new(),
            "redirects (HTTP 302) to `http://192.0.2.1/DeviceInformationX`; phoneup follows no redirect",
        ),
        (
            "HTTP/1.0 200 OK\nContent-Type: text/html\n".into(),
            b"<html></html>".to_vec(),
            "sent `text/html`, not XML",
        ),
        (
            "HTTP/1.0 200 OK\nContent-Type: text/xml\nContent-Length: 9999\n".into(),
            CP_7940_SCCP_8_1_2.as_bytes().to_vec(),
            "sent a body this reader does not take (shorter than its Content-Length)",
        ),
        (
            "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n".into(),
            b"5\r\nhello\r\n0\r\n\r\n".to_vec(),
            "sent a body this reader does not take (a transfer encoding, to an HTTP/1.0 request)",
        ),
        (
            "HTTP/1.0 200 OK\nContent-Type: text/xml\n".into(),
            b"<html/>".to_vec(),
            "the page is `<html>`, not `<DeviceInformation>`: this phone does not answer DeviceInformationX",
        ),
    ];
    // Every server first, so that their quiet times overlap.
    let servers: Vec<_> = cases
        .into_iter()
        .map(|(head, body, why)| {
            let reply: Box<dyn FnOnce(&mut TcpStream) + Send> = if head.is_empty() {
                Box::new(move |stream: &mut TcpStream| {
                    let _ = stream.write_all(&body);
                })
            } else {
                Box::new(answer(&head, &body))
            };
            (server(reply), head, why)
        })
        .collect();
    let mut answered = Vec::new();
    for ((address, seen), head, why) in servers {
        let error = fetch(address, &quick()).unwrap_err();
        let expected = match why.starts_with("the page") {
            true => format!("{address}: {why}"),
            false => format!("{address} {why}"),
        };
        assert_eq!(error.to_string(), expected, "{head}");
        answered.push((seen, head));
    }
    for (seen, head) in answered {
        assert_eq!(
            seen.join().unwrap().connections,
            1,
            "{head}: one connection only"
        );
    }
}
