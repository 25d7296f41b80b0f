//! The phone's own web page: what a 79x0 application with a web server says about itself at
//! `http://<phone>/DeviceInformationX`. [`page`] reads the XML into a [`DeviceInfo`] (no
//! I/O); [`fetch`] asks one phone for it over HTTP/1.0, bounded in time and size.
//!
//! What the page can tell: the running application's load ID (`appLoadID`, `P00308010200`),
//! the boot ROM (`bootLoadID`), the version as the phone shows it (`versionID`, `8.1(2.0)`), the
//! model (`modelNumber`, `CP-7940`), the MAC and host name. Seen on a real 7940 on SCCP 8.1(2)
//! (FusionInventory's published sample); other SCCP 7.x/8.x loads probably serve the same.
//!
//! What it cannot tell: anything about a phone without a web server. SIP loads very likely
//! have none (a connection refused is [`FetchError::NoWebServer`], an answer, not a failure);
//! the UAL loader, old SCCP loads (some may serve only an HTML page) and whether a phone with no
//! call manager has its web server on at all are unknown. It is asked only once a phone's
//! requests show a running application, at an address that made those requests.
//!
//! The page is the phone's claim, unauthenticated: believe it only when its `MACAddress` is
//! the phone's, never over what the phone's own TFTP requests show, and only to *narrow* which
//! loads the phone may be running or to name its model. It never unlocks a step that `check`
//! calls unsafe for any load the requests still allow.
//!
//! Use in a server (blocking for up to [`Limits::total`]; run it off the serving loop):
//!
//! ```no_run
//! use std::net::{IpAddr, SocketAddr};
//! use phoneup::wire::device_info::{fetch, Limits, HTTP_PORT};
//!
//! let phone: IpAddr = "192.0.2.20".parse().unwrap();
//! match fetch(SocketAddr::new(phone, HTTP_PORT), &Limits::default()) {
//!     Ok(page) => println!("{page}"),
//!     Err(error) if error.is_no_web_server() => {} // a SIP load, probably
//!     Err(error) => eprintln!("{error}"),
//! }
//! ```
//!
//! May use: quick-xml, [`crate::files::mac`], [`crate::knowledge`], [`crate::output`].

pub mod fetch;
pub mod page;

pub use fetch::{fetch, FetchError, Limits, HTTP_PORT, PATH};
pub use page::{parse_page, DeviceInfo, PageError, MAX_PAGE_LEN};
