//! Blob storage (documents, invoices, attachments) through `object_store`: a local
//! directory by default, any S3-compatible store by configuration. Keys are always placed
//! under the owning authority's prefix and validated, so no key can escape it.

use std::sync::Arc;

use bytes::Bytes;
use object_store::ObjectStore;
use object_store::path::Path;
use verbund_core::AuthorityId;

use crate::StoreError;

/// Where blobs live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobLocation {
    /// A directory on the local file system (created if missing).
    Local(std::path::PathBuf),
    /// An S3-compatible bucket. Credentials and region come from the standard `AWS_*`
    /// environment variables.
    S3 {
        /// Bucket name.
        bucket: String,
        /// Endpoint URL for non-AWS stores (MinIO, Ceph, Garage); `None` for AWS.
        endpoint: Option<String>,
    },
}

/// A validated blob key below an authority: segments of `A-Z a-z 0-9 . _ -`, separated by
/// `/`, no empty, `.` or `..` segment, at most `max_len` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobKey(String);

impl BlobKey {
    /// Validates a key.
    pub fn new(key: &str, max_len: usize) -> Result<Self, StoreError> {
        if key.is_empty() || key.len() > max_len {
            return Err(StoreError::InvalidBlobKey("empty or too long"));
        }
        for segment in key.split('/') {
            if segment.is_empty() || segment == "." || segment == ".." {
                return Err(StoreError::InvalidBlobKey(
                    "empty, '.' or '..' path segment",
                ));
            }
            if !segment
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
            {
                return Err(StoreError::InvalidBlobKey(
                    "only A-Z, a-z, 0-9, '.', '_', '-' and '/' are allowed",
                ));
            }
        }
        Ok(Self(key.to_owned()))
    }

    /// The key.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The blob store shared by all tenants; each access names the authority.
#[derive(Debug, Clone)]
pub struct BlobStore {
    inner: Arc<dyn ObjectStore>,
    /// The root directory of a local store, for fsync and temporary files.
    local_root: Option<std::path::PathBuf>,
}

/// A stored blob as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobMeta {
    /// Its key below the authority.
    pub key: String,
    /// When it was last written, Unix milliseconds.
    pub modified_ms: i64,
    /// Its size.
    pub size_bytes: u64,
}

impl BlobStore {
    /// Opens the store at `location`.
    pub fn open(location: &BlobLocation) -> Result<Self, StoreError> {
        let (inner, local_root) = object_store_at(location)?;
        Ok(Self { inner, local_root })
    }

    fn path(authority: &AuthorityId, key: &BlobKey) -> Path {
        Path::from(format!("tenants/{}/{}", authority.as_str(), key.as_str()))
    }

    /// Stores a blob, replacing any blob under the same key; durable when it returns.
    pub async fn put(
        &self,
        authority: &AuthorityId,
        key: &BlobKey,
        data: Bytes,
    ) -> Result<(), StoreError> {
        let path = Self::path(authority, key);
        self.inner.put(&path, data.into()).await?;
        if let Some(root) = &self.local_root {
            let root = root.clone();
            let file = root.join(path.as_ref());
            tokio::task::spawn_blocking(move || sync_up_to(&file, &root))
                .await
                .map_err(|e| local_error(std::io::Error::other(e)))?
                .map_err(local_error)?;
        }
        Ok(())
    }

    /// Every blob of `authority` (in no particular order).
    pub async fn list(&self, authority: &AuthorityId) -> Result<Vec<BlobMeta>, StoreError> {
        use futures_util::TryStreamExt as _;
        let prefix = Path::from(format!("tenants/{}", authority.as_str()));
        let strip = format!("{prefix}/");
        let metas: Vec<object_store::ObjectMeta> =
            self.inner.list(Some(&prefix)).try_collect().await?;
        Ok(metas
            .into_iter()
            .filter_map(|m| {
                Some(BlobMeta {
                    key: m.location.as_ref().strip_prefix(&strip)?.to_owned(),
                    modified_ms: m.last_modified.timestamp_millis(),
                    size_bytes: m.size,
                })
            })
            .collect())
    }

    /// The temporary files of interrupted local writes (`object_store` writes
    /// `<name>#<n>` and renames it into place) last modified before `before_ms`, as paths
    /// relative to the root; always empty for S3, which keeps no partial objects visible.
    pub async fn stale_temp_files(&self, before_ms: i64) -> Result<Vec<String>, StoreError> {
        let Some(root) = self.local_root.clone() else {
            return Ok(Vec::new());
        };
        tokio::task::spawn_blocking(move || temp_files(&root, before_ms))
            .await
            .map_err(|e| local_error(std::io::Error::other(e)))?
            .map_err(local_error)
    }

    /// Removes a temporary file found by [`BlobStore::stale_temp_files`].
    pub async fn remove_temp_file(&self, relative: &str) -> Result<(), StoreError> {
        let Some(root) = &self.local_root else {
            return Ok(());
        };
        if !is_temp_name(relative) || relative.split('/').any(|s| s == ".." || s.is_empty()) {
            return Err(StoreError::InvalidBlobKey("not a temporary file"));
        }
        let file = root.join(relative);
        let removed = tokio::task::spawn_blocking(move || std::fs::remove_file(file))
            .await
            .map_err(|e| local_error(std::io::Error::other(e)))?;
        match removed {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(local_error(e)),
        }
    }

    /// Reads a blob; `NotFound` when absent.
    pub async fn get(&self, authority: &AuthorityId, key: &BlobKey) -> Result<Bytes, StoreError> {
        match self.inner.get(&Self::path(authority, key)).await {
            Ok(r) => Ok(r.bytes().await?),
            Err(object_store::Error::NotFound { .. }) => Err(StoreError::NotFound("blob")),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes a blob; deleting an absent blob is not an error.
    pub async fn delete(&self, authority: &AuthorityId, key: &BlobKey) -> Result<(), StoreError> {
        match self.inner.delete(&Self::path(authority, key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// The directory of a local store, created if missing, as an absolute path.
fn local_dir(dir: &std::path::Path) -> Result<std::path::PathBuf, StoreError> {
    std::fs::create_dir_all(dir).map_err(local_error)?;
    dir.canonicalize().map_err(local_error)
}

/// An `object_store` for `location` (blobs, audit checkpoints), and for a local directory
/// its absolute path.
pub(crate) fn object_store_at(
    location: &BlobLocation,
) -> Result<(Arc<dyn ObjectStore>, Option<std::path::PathBuf>), StoreError> {
    Ok(match location {
        BlobLocation::Local(dir) => {
            let root = local_dir(dir)?;
            let fs = object_store::local::LocalFileSystem::new_with_prefix(&root)?
                .with_automatic_cleanup(true);
            (Arc::new(fs), Some(root))
        }
        BlobLocation::S3 { bucket, endpoint } => {
            let mut builder =
                object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket);
            if let Some(endpoint) = endpoint {
                builder = builder
                    .with_endpoint(endpoint)
                    .with_allow_http(endpoint.starts_with("http://"))
                    .with_virtual_hosted_style_request(false);
            }
            (Arc::new(builder.build()?), None)
        }
    })
}

fn local_error(e: std::io::Error) -> StoreError {
    StoreError::Blob(object_store::Error::Generic {
        store: "local",
        source: Box::new(e),
    })
}

/// fsyncs `file` and each directory from its parent up to `root`, so that both its content
/// and every directory entry leading to it survive a power loss.
fn sync_up_to(file: &std::path::Path, root: &std::path::Path) -> std::io::Result<()> {
    std::fs::File::open(file)?.sync_all()?;
    let mut dir = file.parent();
    while let Some(d) = dir {
        std::fs::File::open(d)?.sync_all()?;
        if d == root {
            break;
        }
        dir = d.parent();
    }
    Ok(())
}

/// `object_store`'s name for a file being written: the final name, `#` and a number.
fn is_temp_name(name: &str) -> bool {
    name.rsplit_once('#')
        .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn temp_files(root: &std::path::Path, before_ms: i64) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            // Removed meanwhile (a delete cleans up empty directories).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_dir() {
                pending.push(entry.path());
                continue;
            }
            let temp = is_temp_name(&entry.file_name().to_string_lossy());
            let modified_ms = meta
                .modified()?
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
            if temp
                && modified_ms < before_ms
                && let Ok(relative) = entry.path().strip_prefix(root)
            {
                out.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape() {
        for bad in [
            "", "/abs", "a//b", "../x", "a/../b", "a/./b", "a\\b", "a b", "ä", "a/", "%2e%2e",
            "a\0b",
        ] {
            assert!(BlobKey::new(bad, 512).is_err(), "{bad:?}");
        }
        assert!(BlobKey::new(&"a".repeat(513), 512).is_err());
        for ok in ["invoice.xml", "2026/11/inv-1.pdf", "x_y-z.Z"] {
            assert!(BlobKey::new(ok, 512).is_ok(), "{ok}");
        }
    }

    #[tokio::test]
    async fn local_roundtrip_is_per_authority() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::open(&BlobLocation::Local(dir.path().join("blobs"))).unwrap();
        let a = AuthorityId::new("sn-sid").unwrap();
        let b = AuthorityId::new("by-stmd").unwrap();
        let key = BlobKey::new("docs/a.xml", 512).unwrap();
        store
            .put(&a, &key, Bytes::from_static(b"<x/>"))
            .await
            .unwrap();
        assert_eq!(
            store.get(&a, &key).await.unwrap(),
            Bytes::from_static(b"<x/>")
        );
        assert!(matches!(
            store.get(&b, &key).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(dir.path().join("blobs/tenants/sn-sid/docs/a.xml").exists());
        store.delete(&a, &key).await.unwrap();
        assert!(matches!(
            store.get(&a, &key).await,
            Err(StoreError::NotFound(_))
        ));
        // Empty directories go with their last blob.
        assert!(!dir.path().join("blobs/tenants/sn-sid/docs").exists());
    }
}
