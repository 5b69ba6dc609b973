//! End-to-end tests of the sandbox over real HTTP on 127.0.0.1, with plain reqwest (not the
//! generated clients), every body checked against the specs.

mod cashfree;
mod control;
mod faults;
mod invoices;
mod pages;
mod pinelabs;
mod razorpay;
mod redirects;
mod support;
mod versions;
