//! The shared vocabulary of Verbund: identifiers, the governments of the federation, roles,
//! time, limits and stable error codes.
//!
//! Every other crate depends on this one; it depends on no other Verbund crate and does no I/O.

mod clock;
mod error;
mod government;
mod ids;
mod leitweg;
mod limits;
mod role;
pub mod text;

pub use clock::{Clock, FixedClock, SystemClock, Timestamp};
pub use error::{CoreError, ErrorCode};
pub use government::{GOVERNMENTS, Government, GovernmentKey, GovernmentLevel};
pub use ids::{AuthorityId, Password, RequestId, TokenId, UserId, Username};
pub use leitweg::{LeitwegId, LeitwegProblem};
pub use limits::Limits;
pub use role::{AuthorityKind, Role};
