"""Know thy impact: a student's record over time, progress with its uncertainty, the leader's
console, targets, impact cycles and the results export."""
