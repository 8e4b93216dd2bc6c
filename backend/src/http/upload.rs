//! A request body read by blocking code as it arrives: the async side feeds its chunks through a
//! small bounded channel, and a [`ChunkReader`] on a blocking thread reads them as a
//! `std::io::Read`. At most a few chunks are in memory at once, and a reader that stops early
//! (a limit crossed) stops the upload from being kept.

use axum::body::{Body, Bytes};
use futures::StreamExt;
use std::io::{self, Read};
use std::time::Duration;
use tokio::sync::mpsc;

/// Chunks in flight between the connection and the reader.
const CHUNKS_IN_FLIGHT: usize = 4;
/// How long the rest of a body is read and dropped after the reader stopped early.
const DRAIN_TIME: Duration = Duration::from_secs(5);

enum Piece {
    Data(Bytes),
    End,
    Failed(&'static str),
}

/// The body as a blocking reader. It must be read off the async threads (`spawn_blocking`).
pub struct ChunkReader {
    chunks: mpsc::Receiver<Piece>,
    current: Bytes,
    ended: bool,
}

impl Read for ChunkReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if !self.current.is_empty() {
                let n = self.current.len().min(buf.len());
                buf[..n].copy_from_slice(&self.current.split_to(n));
                return Ok(n);
            }
            if self.ended {
                return Ok(0);
            }
            match self.chunks.blocking_recv() {
                Some(Piece::Data(bytes)) => self.current = bytes,
                Some(Piece::End) => self.ended = true,
                Some(Piece::Failed(message)) => return Err(io::Error::other(message)),
                // The feeding side went away without saying the body ended: a cut-short
                // upload must never read as a shorter, valid file.
                None => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the upload ended before the file did",
                    ));
                }
            }
        }
    }
}

/// The reader, and the future that feeds it from `body` (refusing more than `max_bytes`). Run
/// the future beside whatever reads: it ends when the body has been read, or, when the reader
/// stopped early, after reading and dropping the rest for a few seconds. An HTTP client still
/// sending its file does not read the answer; closing the connection on it would lose the
/// answer in a reset.
pub fn stream(
    body: Body,
    max_bytes: usize,
    too_large: &'static str,
) -> (ChunkReader, impl Future<Output = ()>) {
    let (sender, chunks) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let reader = ChunkReader {
        chunks,
        current: Bytes::new(),
        ended: false,
    };
    (reader, feed(body, sender, max_bytes, too_large))
}

async fn feed(body: Body, sender: mpsc::Sender<Piece>, max_bytes: usize, too_large: &'static str) {
    let mut chunks = body.into_data_stream();
    let mut received = 0usize;
    while let Some(chunk) = chunks.next().await {
        let piece = match chunk {
            Ok(bytes) => {
                received = received.saturating_add(bytes.len());
                if received > max_bytes {
                    Piece::Failed(too_large)
                } else {
                    Piece::Data(bytes)
                }
            }
            Err(_) => Piece::Failed("the upload was cut short; send the file again"),
        };
        let last = !matches!(piece, Piece::Data(_));
        if sender.send(piece).await.is_err() {
            let _ = tokio::time::timeout(DRAIN_TIME, async {
                while let Some(Ok(bytes)) = chunks.next().await {
                    received = received.saturating_add(bytes.len());
                    if received > max_bytes {
                        break;
                    }
                }
            })
            .await;
            return;
        }
        if last {
            return;
        }
    }
    let _ = sender.send(Piece::End).await;
}

/// Whether the request says its body is longer than `max` bytes: refused before any of it is
/// read. A body that says nothing is counted as it arrives ([`stream`]).
pub fn declares_more_than(headers: &axum::http::HeaderMap, max: u64) -> bool {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok())
        .is_some_and(|length| length > max)
}

/// A file read as a stream of chunks, for a response body. Fused: a body wrapper (the
/// compression layer) may poll again after the end, which a bare `unfold` does not allow.
pub fn file_chunks(
    file: tokio::fs::File,
) -> impl futures::Stream<Item = io::Result<Bytes>> + Send + 'static {
    use futures::StreamExt;
    use tokio::io::AsyncReadExt;
    futures::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut chunk = vec![0u8; 256 * 1024];
        match file.read(&mut chunk).await {
            Ok(0) => None,
            Ok(read) => {
                chunk.truncate(read);
                Some((Ok(Bytes::from(chunk)), Some(file)))
            }
            Err(error) => Some((Err(error), None)),
        }
    })
    .fuse()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_on_a_blocking_thread(mut reader: ChunkReader) -> io::Result<Vec<u8>> {
        tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            reader.read_to_end(&mut out).map(|_| out)
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn a_file_stream_may_be_polled_after_its_end() {
        use futures::StreamExt;
        let path = std::env::temp_dir().join(format!("duely-chunks-{}", uuid::Uuid::new_v4()));
        std::fs::write(&path, b"PK\x03\x04 a zip").unwrap();
        let file = tokio::fs::File::open(&path).await.unwrap();
        std::fs::remove_file(&path).unwrap();
        let mut chunks = Box::pin(file_chunks(file));
        assert_eq!(
            chunks.next().await.unwrap().unwrap().as_ref(),
            b"PK\x03\x04 a zip"
        );
        assert!(chunks.next().await.is_none());
        assert!(
            chunks.next().await.is_none(),
            "polled again after the end: still the end"
        );
    }

    #[tokio::test]
    async fn the_reader_gets_the_body_in_order() {
        let chunks: Vec<Result<Bytes, io::Error>> = vec![
            Ok(Bytes::from_static(b"code,name\n")),
            Ok(Bytes::from_static(b"C-1,Acme\n")),
        ];
        let body = Body::from_stream(futures::stream::iter(chunks));
        let (reader, feeding) = stream(body, 1024, "too large");
        let (read, ()) = tokio::join!(read_on_a_blocking_thread(reader), feeding);
        assert_eq!(read.unwrap(), b"code,name\nC-1,Acme\n");
    }

    #[tokio::test]
    async fn a_body_over_the_limit_or_cut_short_is_an_error_never_an_end() {
        let body = Body::from(vec![b'a'; 2048]);
        let (reader, feeding) = stream(body, 1024, "at most 1 KiB");
        let (read, ()) = tokio::join!(read_on_a_blocking_thread(reader), feeding);
        assert_eq!(read.unwrap_err().to_string(), "at most 1 KiB");

        let chunks: Vec<Result<Bytes, io::Error>> = vec![
            Ok(Bytes::from_static(b"code,name\n")),
            Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset")),
        ];
        let body = Body::from_stream(futures::stream::iter(chunks));
        let (reader, feeding) = stream(body, 1024, "too large");
        let (read, ()) = tokio::join!(read_on_a_blocking_thread(reader), feeding);
        assert!(read.unwrap_err().to_string().contains("cut short"));

        let (reader, feeding) = stream(Body::from("a,b\n"), 1024, "too large");
        drop(feeding);
        let read = read_on_a_blocking_thread(reader).await;
        assert_eq!(read.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }
}
