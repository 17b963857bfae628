//! The first module the page loads: the sign-in screen only. The rest of License Desk
//! is the `license-desk` binary, loaded when the admin signs in (see
//! `license_desk::workspace_loader`).

fn main() {
    console_error_panic_hook::set_once();
    license_desk::sign_in_page::start();
}
