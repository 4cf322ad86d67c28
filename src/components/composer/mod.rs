//! The composer. For now a reply box: reply or internal note, sent through the dialect.

mod reply_box;

pub use reply_box::ReplyBox;
