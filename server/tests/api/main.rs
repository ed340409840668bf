//! The server's integration tests, one binary: each module drives the real
//! `second-opinion` binary through [`helpers::TestServer`].

mod abuse;
mod assets;
mod cli;
mod deploy;
mod forecast;
mod helpers;
mod hostile;
mod http;
mod limits;
mod mail;
mod monitor;
mod pages;
mod papers;
mod retention;
mod schema;
mod security;
mod seed;
mod sign_in;
mod staff;
mod submit;
mod the_day;
