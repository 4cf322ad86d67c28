//! Small pieces shared by every page.

mod download;
mod error_notice;
mod icon;
mod ids;
mod resize;
mod safe_html;
mod scroll;
mod sending_indicator;
mod skeleton;
mod time;
mod visible;

pub use download::{save_as, save_text, save_url};
pub use error_notice::ErrorNotice;
pub use icon::{Glyph, Icon};
pub use ids::unique_id;
pub use resize::ResizeWatch;
pub use safe_html::{SafeHtmlView, SandboxedFrame};
pub use scroll::ScrollArea;
pub use sending_indicator::SendingIndicator;
pub use skeleton::Skeleton;
pub use time::RelativeTime;
pub use visible::when_near_viewport;
