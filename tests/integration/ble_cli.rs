//! `anklepump scan` / `anklepump record` as a child process against a
//! BlueZ stand-in on its own private bus (DBUS_SYSTEM_BUS_ADDRESS set for
//! the child only), and their one-line failures.
