//! Where attachments' bytes live: one interface ([`object_store`]) over a local folder (one
//! server) and S3-compatible storage (several replicas share one bucket). Every company's files
//! sit under its own prefix, `<company id>/attachments/<attachment id>`; the database keeps what
//! a file is and its SHA-256.

use domain::TenantId;
use futures::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::buffered::BufWriter;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{GetResult, ObjectStore};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

/// Bytes read from the spool at a time.
const COPY_CHUNK: usize = 256 * 1024;
/// What is buffered before a multipart upload starts, and each part's size: S3 wants parts of
/// at least 5 MiB. Smaller files go up in one request.
const PART_SIZE: usize = 8 * 1024 * 1024;

/// A file received into the spool, removed when dropped, however the work on it ends.
#[derive(Debug)]
pub struct SpoolFile(PathBuf);

impl SpoolFile {
    /// A new name in `spool` (the folder is made when missing).
    pub fn in_spool(spool: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(spool)?;
        Ok(SpoolFile(spool.join(format!("upload-{}", Uuid::new_v4()))))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for SpoolFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Removes what an earlier run of this server left in its spool (a crash mid-upload): files
/// older than a day, so a replica sharing the folder keeps what it is receiving.
pub fn sweep_spool(spool: &Path) {
    let Ok(entries) = std::fs::read_dir(spool) else {
        return;
    };
    let day = std::time::Duration::from_secs(24 * 3600);
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > day);
        if old {
            let path = entry.path();
            let _ = std::fs::remove_file(&path).or_else(|_| std::fs::remove_dir_all(&path));
        }
    }
}

/// The store attachments are written to and read from. Cheap to clone.
#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    /// How it is described in logs and `duely` output ("folder …", "S3 bucket …").
    pub description: String,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

impl FileStore {
    /// A folder on this server, created when missing.
    pub fn folder(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let store = LocalFileSystem::new_with_prefix(dir)?;
        Ok(FileStore {
            store: Arc::new(store),
            description: format!("folder {}", dir.display()),
        })
    }

    /// An S3-compatible bucket, as `builder` describes it (`AWS_*` variables, or set in tests).
    pub fn s3(builder: AmazonS3Builder, bucket: &str) -> anyhow::Result<Self> {
        let store = builder.with_bucket_name(bucket).build()?;
        Ok(FileStore {
            store: Arc::new(store),
            description: format!("S3 bucket {bucket}"),
        })
    }

    /// The key of a company's file.
    pub fn key(tenant: TenantId, id: Uuid) -> String {
        format!("{}/attachments/{id}", tenant.0)
    }

    /// Copies the spooled file at `from` to `key`, a chunk at a time (a multipart upload on S3
    /// for a large file), never holding it whole.
    pub async fn put_file(&self, key: &str, from: &Path) -> anyhow::Result<()> {
        let mut file = tokio::fs::File::open(from).await?;
        let mut writer =
            BufWriter::with_capacity(self.store.clone(), StorePath::from(key), PART_SIZE);
        let mut chunk = vec![0u8; COPY_CHUNK];
        let copied: std::io::Result<()> = async {
            loop {
                let read = file.read(&mut chunk).await?;
                if read == 0 {
                    break;
                }
                writer.write_all(&chunk[..read]).await?;
            }
            writer.shutdown().await
        }
        .await;
        if let Err(error) = copied {
            // An S3 multipart upload left open is kept (and billed) by the bucket.
            let _ = writer.abort().await;
            return Err(error.into());
        }
        Ok(())
    }

    /// Opens a stored file for reading as a stream.
    pub async fn open(&self, key: &str) -> anyhow::Result<GetResult> {
        Ok(self.store.get(&StorePath::from(key)).await?)
    }

    /// Copies a stored file to `to` on this server, a chunk at a time.
    pub async fn copy_to_file(&self, key: &str, to: &Path) -> anyhow::Result<u64> {
        let mut stream = self.open(key).await?.into_stream();
        let mut file = tokio::fs::File::create(to).await?;
        let mut written = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            file.write_all(&chunk).await?;
            written += chunk.len() as u64;
        }
        file.flush().await?;
        Ok(written)
    }

    /// Removes a stored file: only for one whose record was never written (an upload that
    /// failed after storing), never for a deleted attachment, which is kept.
    pub async fn remove_orphan(&self, key: &str) {
        if let Err(error) = self.store.delete(&StorePath::from(key)).await {
            tracing::warn!(%error, key, "an attachment stored without its record stays behind");
        }
    }
}
