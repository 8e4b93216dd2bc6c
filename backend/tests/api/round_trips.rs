//! Round trips to PostgreSQL per request, counted on the wire: a proxy between the app and the
//! database counts each time the app waits for the server (a simple query, or a Sync closing
//! an extended-protocol exchange), and apart from them the pings (a Sync alone) sqlx sends as
//! a connection goes back to the pool. Statement counts (`Server-Timing`) miss `BEGIN`, the
//! `SET LOCAL`s, `COMMIT`, pool pings and the lookups made before the request is measured;
//! this does not.

use crate::helpers::{fresh_database, spawn_app_with, test_config};
use crate::kit::{create_customer, issue_invoice};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Forwards connections to PostgreSQL and counts the app's round trips on all of them.
struct RoundTripProxy {
    /// `database_url` with the proxy's address in place of the server's.
    url: String,
    round_trips: Arc<AtomicU64>,
    pings: Arc<AtomicU64>,
}

impl RoundTripProxy {
    async fn start(database_url: &str) -> RoundTripProxy {
        // postgres://user@host:port/database?options
        let (scheme, rest) = database_url.split_once("://").unwrap();
        let (credentials, rest) = rest.rsplit_once('@').map_or(("", rest), |(c, r)| (c, r));
        let (server, path) = rest.split_once('/').unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = listener.local_addr().unwrap();
        let at = if credentials.is_empty() {
            String::new()
        } else {
            format!("{credentials}@")
        };
        // In the clear, so the proxy can read the messages.
        let options = if path.contains('?') {
            "&sslmode=disable"
        } else {
            "?sslmode=disable"
        };
        let url = format!("{scheme}://{at}{proxy}/{path}{options}");
        let round_trips = Arc::new(AtomicU64::new(0));
        let pings = Arc::new(AtomicU64::new(0));
        let counters = (round_trips.clone(), pings.clone());
        let server = server.to_owned();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = TcpStream::connect(&server).await.unwrap();
                tokio::spawn(forward(client, upstream, counters.clone()));
            }
        });
        RoundTripProxy {
            url,
            round_trips,
            pings,
        }
    }

    fn round_trips(&self) -> u64 {
        self.round_trips.load(Ordering::SeqCst)
    }

    fn pings(&self) -> u64 {
        self.pings.load(Ordering::SeqCst)
    }
}

/// Copies both ways; counts the client's `Q` (simple query) and `S` (Sync) messages once its
/// untyped opening messages (SSL request, startup) are past: a Sync after other messages
/// (parse, bind, execute) closes a round trip, a Sync alone is a ping.
async fn forward(
    client: TcpStream,
    upstream: TcpStream,
    (round_trips, pings): (Arc<AtomicU64>, Arc<AtomicU64>),
) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = upstream.into_split();
    tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
    });
    let mut pending: Vec<u8> = Vec::new();
    let mut started = false;
    let mut in_exchange = false;
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let read = match client_read.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(read) => read,
        };
        if server_write.write_all(&chunk[..read]).await.is_err() {
            return;
        }
        pending.extend_from_slice(&chunk[..read]);
        loop {
            if !started {
                // Untyped: a length, then a code (the startup's is protocol 3.0).
                if pending.len() < 8 {
                    break;
                }
                let length = u32::from_be_bytes(pending[0..4].try_into().unwrap()) as usize;
                if pending.len() < length {
                    break;
                }
                let code = u32::from_be_bytes(pending[4..8].try_into().unwrap());
                started = code == 196_608;
                pending.drain(..length);
            } else {
                if pending.len() < 5 {
                    break;
                }
                let length = u32::from_be_bytes(pending[1..5].try_into().unwrap()) as usize;
                if pending.len() < 1 + length {
                    break;
                }
                match pending[0] {
                    b'Q' => {
                        round_trips.fetch_add(1, Ordering::SeqCst);
                    }
                    b'S' if in_exchange => {
                        round_trips.fetch_add(1, Ordering::SeqCst);
                        in_exchange = false;
                    }
                    b'S' => {
                        pings.fetch_add(1, Ordering::SeqCst);
                    }
                    _ => in_exchange = true,
                }
                pending.drain(..1 + length);
            }
        }
    }
}

#[tokio::test]
async fn a_page_of_invoices_costs_its_round_trips() {
    let proxy = RoundTripProxy::start(&fresh_database().await).await;
    let app = spawn_app_with(test_config(&[], &proxy.url)).await;
    let owner = app.sign_up("Acme", &app.email("owner")).await;
    let buyer = create_customer(&app, &owner, "B-1", json!({})).await;
    for amount in ["100", "200", "300"] {
        issue_invoice(
            &app,
            &owner,
            buyer["id"].as_str().unwrap(),
            amount,
            json!({}),
        )
        .await;
    }
    let page = "{ invoices(first: 50) { totalCount edges { node { number customer { name } } } } }";
    // Every pooled connection prepares the statements once; then the steady state.
    for _ in 0..8 {
        let body = app.graphql_as(&owner.access_token, page, json!({})).await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    // The fewest of a few requests: the app's background workers share the pool, and one of
    // their polls may fall inside a request.
    let (mut fewest, mut fewest_pings) = (u64::MAX, u64::MAX);
    for _ in 0..5 {
        let (before, pings_before) = (proxy.round_trips(), proxy.pings());
        let body = app.graphql_as(&owner.access_token, page, json!({})).await;
        assert_eq!(body["data"]["invoices"]["totalCount"], 3, "{body}");
        // The ping as the connection goes back to the pool follows the response.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        fewest = fewest.min(proxy.round_trips() - before);
        fewest_pings = fewest_pings.min(proxy.pings() - pings_before);
    }
    // BEGIN sent with the SET LOCALs that bind it to the company, the page with its count,
    // and COMMIT, on one connection: the member's standing and the company's calendar come
    // from what this replica keeps. Then the one ping sqlx sends as that connection goes back
    // to the pool (after the response; sqlx 0.9 always pings on release). No ping on checkout:
    // a connection in steady use goes out as it is.
    assert_eq!(fewest, 3);
    assert_eq!(fewest_pings, 1);
}
