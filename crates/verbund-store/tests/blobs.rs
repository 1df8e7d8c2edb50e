//! Blob storage on the local file system and, when `VERBUND_TEST_S3_URL` is set, on an
//! S3-compatible server: round trip, per-authority separation, key validation.

use bytes::Bytes;
use verbund_core::AuthorityId;
use verbund_store::StoreError;
use verbund_store::blobs::{BlobKey, BlobStore};
use verbund_store::testing::blob_locations;

#[tokio::test]
async fn blobs_round_trip_and_stay_within_their_authority() {
    let dir = tempfile::tempdir().unwrap();
    let run = uuid::Uuid::new_v4().simple().to_string();
    for (label, location) in blob_locations(dir.path()) {
        let store = BlobStore::open(&location).unwrap_or_else(|e| panic!("{label}: {e}"));
        let a = AuthorityId::new("sn-sid").unwrap();
        let b = AuthorityId::new("by-stmd").unwrap();
        let key = BlobKey::new(&format!("test/{run}/rechnung.xml"), 512).unwrap();
        let data = Bytes::from(vec![7_u8; 300_000]);
        store
            .put(&a, &key, data.clone())
            .await
            .unwrap_or_else(|e| panic!("{label}: put: {e}"));
        assert_eq!(store.get(&a, &key).await.unwrap(), data, "{label}");
        assert!(
            matches!(store.get(&b, &key).await, Err(StoreError::NotFound(_))),
            "{label}: other tenant reads it"
        );
        store
            .put(&a, &key, Bytes::from_static(b"v2"))
            .await
            .unwrap();
        assert_eq!(
            store.get(&a, &key).await.unwrap(),
            Bytes::from_static(b"v2")
        );
        store.delete(&a, &key).await.unwrap();
        store.delete(&a, &key).await.unwrap();
        assert!(
            matches!(store.get(&a, &key).await, Err(StoreError::NotFound(_))),
            "{label}"
        );
    }
}

#[test]
fn traversal_keys_are_refused() {
    for bad in [
        "../../etc/passwd",
        "a/../../b",
        "/etc/passwd",
        "a//b",
        "a/%2e%2e/b",
        "a\\..\\b",
    ] {
        assert!(
            matches!(BlobKey::new(bad, 512), Err(StoreError::InvalidBlobKey(_))),
            "{bad}"
        );
    }
}
