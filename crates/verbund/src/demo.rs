//! The demo data set: the cooperation described in the source articles — Bayern, Sachsen,
//! Thüringen, Nordrhein-Westfalen and the Bund with realistic authorities, and fictitious
//! people in every role. Loading is idempotent: what exists is left alone.

use verbund_core::{
    AuthorityId, AuthorityKind, GovernmentKey, LeitwegId, Password, RequestId, Role, Username,
};
use verbund_einvoice::sample::{Sample, ubl_invoice};
use verbund_store::blobs::BlobStore;
use verbund_store::einvoices::{Channel, Filter};
use verbund_store::{Actor, Context, NewAuthority, NewUser, Store, StoreError};
use verbund_web::intake::{Incoming, take_in};

use crate::config::Config;

/// The password of every demo account. Printed at start; demo nodes are not for real data.
pub const DEMO_PASSWORD: &str = "Verbund-Demo-2026";

struct DemoAuthority {
    id: &'static str,
    government: &'static str,
    kind: AuthorityKind,
    name: &'static str,
    street: &'static str,
    postal_code: &'static str,
    city: &'static str,
    leitweg_id: Option<&'static str>,
    ags: Option<&'static str>,
}

const fn authority(
    id: &'static str,
    government: &'static str,
    kind: AuthorityKind,
    name: &'static str,
    street: &'static str,
    postal_code: &'static str,
    city: &'static str,
) -> DemoAuthority {
    DemoAuthority {
        id,
        government,
        kind,
        name,
        street,
        postal_code,
        city,
        leitweg_id: None,
        ags: None,
    }
}

use AuthorityKind::{
    CashOffice, ItServiceProvider, Ministry, Municipality, Police, StateChancellery,
};

static AUTHORITIES: &[DemoAuthority] = &[
    // Bayern (09)
    authority(
        "by-stk",
        "09",
        StateChancellery,
        "Bayerische Staatskanzlei",
        "Franz-Josef-Strauß-Ring 1",
        "80539",
        "München",
    ),
    authority(
        "by-stmd",
        "09",
        Ministry,
        "Bayerisches Staatsministerium für Digitales",
        "Oskar-von-Miller-Ring 35",
        "80333",
        "München",
    ),
    authority(
        "by-pp-oberfranken",
        "09",
        Police,
        "Polizeipräsidium Oberfranken",
        "Ludwig-Thoma-Straße 3",
        "95447",
        "Bayreuth",
    ),
    authority(
        "by-staatsoberkasse",
        "09",
        CashOffice,
        "Staatsoberkasse Bayern",
        "Stethaimerstraße 28",
        "84034",
        "Landshut",
    ),
    DemoAuthority {
        ags: Some("09464000"),
        leitweg_id: Some("09464000-HOF01-20"),
        ..authority(
            "by-stadt-hof",
            "09",
            Municipality,
            "Stadt Hof",
            "Klosterstraße 1",
            "95028",
            "Hof",
        )
    },
    // Sachsen (14)
    authority(
        "sn-sk",
        "14",
        StateChancellery,
        "Sächsische Staatskanzlei",
        "Archivstraße 1",
        "01097",
        "Dresden",
    ),
    authority(
        "sn-sid",
        "14",
        ItServiceProvider,
        "Staatsbetrieb Sächsische Informatik Dienste (SID)",
        "Riesaer Straße 7",
        "01129",
        "Dresden",
    ),
    authority(
        "sn-pd-zwickau",
        "14",
        Police,
        "Polizeidirektion Zwickau",
        "Dr.-Friedrichs-Ring 5",
        "08056",
        "Zwickau",
    ),
    DemoAuthority {
        leitweg_id: Some("14-HK001-19"),
        ..authority(
            "sn-hauptkasse",
            "14",
            CashOffice,
            "Hauptkasse des Freistaates Sachsen",
            "Stauffenbergallee 2",
            "01099",
            "Dresden",
        )
    },
    DemoAuthority {
        ags: Some("14523319"),
        leitweg_id: Some("14523319-PL001-98"),
        ..authority(
            "sn-stadt-plauen",
            "14",
            Municipality,
            "Stadt Plauen",
            "Unterer Graben 1",
            "08523",
            "Plauen",
        )
    },
    // Thüringen (16)
    authority(
        "th-tsk",
        "16",
        StateChancellery,
        "Thüringer Staatskanzlei",
        "Regierungsstraße 73",
        "99084",
        "Erfurt",
    ),
    DemoAuthority {
        leitweg_id: Some("16-LHK001-89"),
        ..authority(
            "th-landeshauptkasse",
            "16",
            CashOffice,
            "Landeshauptkasse Thüringen",
            "Ludwig-Erhard-Ring 7",
            "99099",
            "Erfurt",
        )
    },
    DemoAuthority {
        ags: Some("16052000"),
        ..authority(
            "th-stadt-gera",
            "16",
            Municipality,
            "Stadt Gera",
            "Kornmarkt 12",
            "07545",
            "Gera",
        )
    },
    // Nordrhein-Westfalen (05)
    authority(
        "nw-stk",
        "05",
        StateChancellery,
        "Staatskanzlei des Landes Nordrhein-Westfalen",
        "Horionplatz 1",
        "40213",
        "Düsseldorf",
    ),
    authority(
        "nw-landeskasse",
        "05",
        CashOffice,
        "Landeskasse Düsseldorf",
        "Ulenbergstraße 127",
        "40225",
        "Düsseldorf",
    ),
    DemoAuthority {
        ags: Some("05111000"),
        ..authority(
            "nw-stadt-duesseldorf",
            "05",
            Municipality,
            "Landeshauptstadt Düsseldorf",
            "Marktplatz 2",
            "40213",
            "Düsseldorf",
        )
    },
    // Bund (99)
    authority(
        "bund-bkamt",
        "99",
        StateChancellery,
        "Bundeskanzleramt",
        "Willy-Brandt-Straße 1",
        "10557",
        "Berlin",
    ),
    DemoAuthority {
        leitweg_id: Some("991-BMDS01-98"),
        ..authority(
            "bund-bmds",
            "99",
            Ministry,
            "Bundesministerium für Digitales und Staatsmodernisierung",
            "Alexanderstraße 3",
            "10178",
            "Berlin",
        )
    },
    authority(
        "bund-bundeskasse",
        "99",
        CashOffice,
        "Bundeskasse",
        "Zum Namensgeber 1",
        "54292",
        "Trier",
    ),
];

struct DemoUser {
    username: &'static str,
    display_name: &'static str,
    home: &'static str,
    roles: &'static [Role],
    operator: bool,
    /// Roles in further authorities.
    also: &'static [(&'static str, Role)],
    what: &'static str,
}

static USERS: &[DemoUser] = &[
    DemoUser {
        username: "betrieb",
        display_name: "Paula Betrieb",
        home: "sn-sid",
        roles: &[Role::Administrator],
        operator: true,
        also: &[],
        what: "Knotenbetrieb (SID) – Behörden anlegen",
    },
    DemoUser {
        username: "anna.admin",
        display_name: "Anna Admin",
        home: "sn-sk",
        roles: &[Role::Administrator],
        operator: false,
        also: &[],
        what: "Administration, Sächsische Staatskanzlei",
    },
    DemoUser {
        username: "ben.kasse",
        display_name: "Ben Kasse",
        home: "th-landeshauptkasse",
        roles: &[Role::Clerk],
        operator: false,
        also: &[],
        what: "Sachbearbeitung, Landeshauptkasse Thüringen",
    },
    DemoUser {
        username: "clara.revision",
        display_name: "Clara Revision",
        home: "by-stmd",
        roles: &[Role::Auditor],
        operator: false,
        also: &[],
        what: "Revision, Bayerisches Digitalministerium",
    },
    DemoUser {
        username: "david.lage",
        display_name: "David Lage",
        home: "by-pp-oberfranken",
        roles: &[Role::Clerk],
        operator: false,
        also: &[("sn-pd-zwickau", Role::Clerk)],
        what: "Polizei: PP Oberfranken und PD Zwickau (Behörde wechselbar)",
    },
    DemoUser {
        username: "emil.kommune",
        display_name: "Emil Kommune",
        home: "by-stadt-hof",
        roles: &[Role::Administrator, Role::Clerk],
        operator: false,
        also: &[],
        what: "Administration und Sachbearbeitung, Stadt Hof",
    },
    DemoUser {
        username: "frieda.bund",
        display_name: "Frieda Bund",
        home: "bund-bmds",
        roles: &[Role::Administrator, Role::Auditor],
        operator: false,
        also: &[],
        what: "Administration und Revision, Bundesdigitalministerium",
    },
];

/// Loads the demo data; what already exists is kept as it is.
pub async fn load(store: &Store) -> Result<(), StoreError> {
    let ctx = Context {
        actor: Actor::System("demo"),
        request_id: RequestId::internal("demo"),
    };
    let admin = store.admin();
    for a in AUTHORITIES {
        let id = AuthorityId::new(a.id).expect("demo ids are valid");
        match admin.authority(&id).await {
            Ok(_) => continue,
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
        let new = NewAuthority {
            id,
            government_key: a
                .government
                .parse::<GovernmentKey>()
                .expect("demo keys are valid"),
            kind: a.kind,
            name: a.name.to_owned(),
            street: a.street.to_owned(),
            postal_code: a.postal_code.to_owned(),
            city: a.city.to_owned(),
            email: None,
            leitweg_id: a
                .leitweg_id
                .map(|l| LeitwegId::parse(l).expect("demo Leitweg-IDs are valid")),
            ags: a.ags.map(str::to_owned),
        };
        admin.authority_create(&ctx, &new).await?;
    }
    for u in USERS {
        let username = Username::new(u.username).expect("demo usernames are valid");
        let user = match admin.user_by_username(&username).await {
            Ok(user) => user,
            Err(StoreError::NotFound(_)) => {
                let home = AuthorityId::new(u.home).expect("demo ids are valid");
                let new = NewUser {
                    username,
                    display_name: u.display_name.to_owned(),
                    email: Some(format!("{}@demo.verbund.invalid", u.username)),
                    password: Some(
                        Password::new(DEMO_PASSWORD).expect("demo password is long enough"),
                    ),
                    roles: u.roles.to_vec(),
                    is_operator: u.operator,
                };
                admin.user_create(&ctx, &home, new).await?
            }
            Err(e) => return Err(e),
        };
        for (authority, role) in u.also {
            let authority = AuthorityId::new(authority).expect("demo ids are valid");
            admin
                .membership_grant(&ctx, &authority, user.id, *role)
                .await?;
        }
    }
    Ok(())
}

/// Invoices in the demo inboxes: (receiving authority, number, lines, Leitweg-ID or `None` for
/// the receiver's own, what to break).
const INVOICES: &[(&str, &str, usize, Option<&str>, Break)] = &[
    (
        "th-landeshauptkasse",
        "RE-2026-0417",
        3,
        None,
        Break::Nothing,
    ),
    (
        "th-landeshauptkasse",
        "RE-2026-0420",
        12,
        None,
        Break::Nothing,
    ),
    (
        "th-landeshauptkasse",
        "RE-2026-0431",
        2,
        None,
        Break::AmountDue,
    ),
    (
        "th-landeshauptkasse",
        "RE-2026-0433",
        1,
        Some("04011000-1234512345-06"),
        Break::Nothing,
    ),
    ("sn-hauptkasse", "RE-2026-0503", 1, None, Break::Nothing),
];

#[derive(Clone, Copy)]
enum Break {
    Nothing,
    /// An amount due (BT-115) that does not add up is rejected (BR-CO-16).
    AmountDue,
}

/// Puts a few generated invoices (valid, rejected, one with an unknown Leitweg-ID) into the
/// inboxes of the demo cash offices, through the same intake as the API. Skipped when the
/// Landeshauptkasse Thüringen's inbox already has invoices.
pub async fn load_invoices(store: &Store, blobs: &BlobStore) -> Result<(), StoreError> {
    let ctx = Context {
        actor: Actor::System("demo"),
        request_id: RequestId::internal("demo"),
    };
    let first = AuthorityId::new(INVOICES[0].0).expect("demo ids are valid");
    if !store
        .tenant(&first)
        .einvoices()
        .list(Filter::All, None, 1)
        .await?
        .items
        .is_empty()
    {
        return Ok(());
    }
    for &(receiver, number, lines, leitweg, broken) in INVOICES {
        let receiver = AuthorityId::new(receiver).expect("demo ids are valid");
        let authority = store.admin().authority(&receiver).await?;
        let own = authority.leitweg_id.clone().unwrap_or_default();
        let mut xml = ubl_invoice(&Sample {
            number,
            issue_date: "2026-11-20",
            leitweg_id: leitweg.unwrap_or(&own),
            buyer_name: &authority.name,
            lines,
        });
        if let Break::AmountDue = broken {
            const DUE: &str = "<cbc:PayableAmount currencyID=\"EUR\">";
            xml = xml.replacen(DUE, &format!("{DUE}1"), 1);
        }
        let incoming = Incoming {
            channel: Channel::Api,
            file_name: Some(format!("{number}.xml")),
            bytes: xml.into_bytes().into(),
        };
        take_in(store, blobs, &ctx, &receiver, incoming).await?;
    }
    Ok(())
}

/// Prints where the demo runs and how to log in.
pub fn print_welcome(config: &Config) {
    println!("Verbund-Demo läuft: {}/", config.public_url);
    println!("Demo-Anmeldungen (Passwort für alle: {DEMO_PASSWORD}):");
    for u in USERS {
        println!("  {:<16} {}", u.username, u.what);
    }
    println!("API-Token für eine Behörde erzeugen, z. B.:");
    println!("  verbund admin token create --authority sn-sid --role administrator");
    println!("Beenden mit Strg+C.");
}
