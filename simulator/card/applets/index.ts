/** The applet and extension types the project ships, registered for profiles to name. */
export {};
