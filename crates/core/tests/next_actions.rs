//! The next actions offered for a ticket: only those that make sense for its status, in
//! plain words.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use threadline_core::model::{NextAction, TicketStatus};

fn offered(status: Option<TicketStatus>) -> Vec<NextAction> {
    NextAction::fitting(&NextAction::ALL, status)
}

#[test]
fn a_closed_ticket_offers_the_reopen_actions_and_no_close_action() {
    for closed in [
        TicketStatus::ClosedResolved,
        TicketStatus::ClosedInvalid,
        TicketStatus::ClosedCustomerInactivity,
        TicketStatus::ClosedOther,
    ] {
        assert_eq!(
            offered(Some(closed)),
            [
                NextAction::None,
                NextAction::ReopenWaitingCustomer,
                NextAction::ReopenWaitingAssociate,
                NextAction::ReportSpam
            ],
            "{closed:?}"
        );
    }
}

#[test]
fn only_a_spam_ticket_offers_to_leave_spam_and_it_offers_nothing_else() {
    assert_eq!(
        offered(Some(TicketStatus::Spam)),
        [NextAction::None, NextAction::RemoveFromSpam]
    );
    for status in [
        None,
        Some(TicketStatus::WaitingAssociate),
        Some(TicketStatus::WaitingCustomer),
        Some(TicketStatus::ClosedResolved),
    ] {
        assert!(
            !offered(status).contains(&NextAction::RemoveFromSpam),
            "{status:?}"
        );
    }
}

#[test]
fn an_open_ticket_offers_what_changes_it() {
    let waiting_on_us = offered(Some(TicketStatus::WaitingAssociate));
    assert!(waiting_on_us.contains(&NextAction::CloseAndMarkResolved));
    assert!(waiting_on_us.contains(&NextAction::ReopenWaitingCustomer));
    assert!(
        !waiting_on_us.contains(&NextAction::ReopenWaitingAssociate),
        "no change"
    );
    let waiting_on_them = offered(Some(TicketStatus::WaitingCustomer));
    assert!(waiting_on_them.contains(&NextAction::ReopenWaitingAssociate));
    assert!(
        !waiting_on_them.contains(&NextAction::ReopenWaitingCustomer),
        "no change"
    );
    assert_eq!(waiting_on_us.first(), Some(&NextAction::None));
}

#[test]
fn a_backend_s_own_list_is_narrowed_not_widened() {
    let airclou = [
        NextAction::None,
        NextAction::CloseAndMarkResolved,
        NextAction::ReopenWaitingCustomer,
    ];
    assert_eq!(
        NextAction::fitting(&airclou, Some(TicketStatus::ClosedResolved)),
        [NextAction::None, NextAction::ReopenWaitingCustomer]
    );
}

#[test]
fn labels_are_plain_words_and_say_reopen_only_on_closed_tickets() {
    threadline_core::i18n::set_locale(threadline_core::i18n::negotiate(["en"]));
    let open = Some(TicketStatus::WaitingAssociate);
    let closed = Some(TicketStatus::ClosedResolved);
    assert_eq!(
        NextAction::CloseAndMarkResolved.label(open),
        "Close as resolved"
    );
    assert_eq!(
        NextAction::ReopenWaitingCustomer.label(closed),
        "Reopen, waiting on the customer"
    );
    assert_eq!(
        NextAction::ReopenWaitingCustomer.label(open),
        "Wait on the customer"
    );
    assert_eq!(NextAction::ReportSpam.label(open), "Mark as spam");
    for action in NextAction::ALL {
        let label = action.label(open);
        // No API words in Title Case ("Close and Mark Resolved").
        let capitals = label
            .split(' ')
            .filter(|w| w.starts_with(char::is_uppercase))
            .count();
        assert!(capitals <= 1, "{label}");
    }
}
