mod ble;
mod ble_cli;
mod bluez;
