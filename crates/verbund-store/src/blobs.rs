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
}

impl BlobStore {
    /// Opens the store at `location`.
    pub fn open(location: &BlobLocation) -> Result<Self, StoreError> {
        let inner: Arc<dyn ObjectStore> = match location {
            BlobLocation::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Blob(object_store::Error::Generic {
                        store: "local",
                        source: Box::new(e),
                    })
                })?;
                Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir)?)
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
                Arc::new(builder.build()?)
            }
        };
        Ok(Self { inner })
    }

    fn path(authority: &AuthorityId, key: &BlobKey) -> Path {
        Path::from(format!("tenants/{}/{}", authority.as_str(), key.as_str()))
    }

    /// Stores a blob, replacing any blob under the same key.
    pub async fn put(
        &self,
        authority: &AuthorityId,
        key: &BlobKey,
        data: Bytes,
    ) -> Result<(), StoreError> {
        self.inner
            .put(&Self::path(authority, key), data.into())
            .await?;
        Ok(())
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
        store.delete(&a, &key).await.unwrap();
        assert!(matches!(
            store.get(&a, &key).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(dir.path().join("blobs/tenants").exists());
    }
}
