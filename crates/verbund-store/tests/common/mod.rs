//! What the store suites share: a context, an authority, a new user.
#![allow(dead_code)] // each test file uses a different part

use verbund_core::{
    AuthorityId, AuthorityKind, GovernmentKey, Password, RequestId, Role, Username,
};
use verbund_store::testing::ok;
use verbund_store::{Actor, Context, NewAuthority, NewUser, Store};

pub fn ctx() -> Context {
    Context {
        actor: Actor::System("test"),
        request_id: RequestId::internal("test"),
    }
}

pub fn aid(s: &str) -> AuthorityId {
    AuthorityId::new(s).unwrap()
}

pub async fn authority(store: &Store, id: &str, gov: &str) -> AuthorityId {
    let new = NewAuthority {
        id: aid(id),
        government_key: gov.parse::<GovernmentKey>().unwrap(),
        kind: AuthorityKind::Ministry,
        name: format!("Behörde {id}"),
        street: "Musterstraße 1".into(),
        postal_code: "01097".into(),
        city: "Dresden".into(),
        email: None,
        leitweg_id: None,
        ags: None,
    };
    ok(
        store.admin().authority_create(&ctx(), &new).await,
        "authority_create",
    )
    .id
}

pub fn new_user(name: &str, roles: &[Role]) -> NewUser {
    NewUser {
        username: Username::new(name).unwrap(),
        display_name: name.to_uppercase(),
        email: None,
        password: Some(Password::new("richtig-langes-passwort").unwrap()),
        roles: roles.to_vec(),
        is_operator: false,
    }
}
