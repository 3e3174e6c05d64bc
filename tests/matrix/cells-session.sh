# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The fault matrix's cells for start (OpenVPN's PKCS#11), start --external-key (xkey) and attach,
# a person at a terminal (tty) and --batch --pin-file (batch); tests/matrix/run-cell.sh drives
# them, tests/matrix/driver.sh runs them and prints the table.
#   cell ID MODE INPUT STATE FAULT SET SEAM
# SET: subset (make test: every state and every fault at least once) or full (make soak: the
# whole product below). SEAM: the seam of issue 25 the cell guards, "-" for none.
# States: pin-prompt, handshake (between our PIN and the handshake's end), insert-prompt,
# cert-menu, connected, reconnecting (the server gone), removed (the token out: held).
# Faults: card-out, card-in, ctrl-c, ctrl-c-twice, sigterm, sighup, stop-cont (SIGSTOP 3 s then
# SIGCONT: a laptop's suspend), kill-9, openvpn-killed, server-restart, cert-expired (the only
# certificate expired: the server refuses it).

MATRIX_MODES="start xkey attach"
MATRIX_INPUTS="tty batch"
MATRIX_STATES="pin-prompt handshake insert-prompt cert-menu connected reconnecting removed"
MATRIX_FAULTS="card-out card-in ctrl-c ctrl-c-twice sigterm sighup stop-cont kill-9 openvpn-killed server-restart"

# The subset, fixed: each line one cell "MODE INPUT STATE FAULT SEAM".
MATRIX_SUBSET="
start tty pin-prompt card-out 1
start batch handshake card-out 1
attach tty pin-prompt card-out 1
start batch reconnecting card-out -
start batch insert-prompt sigterm 9
start tty pin-prompt cert-expired 7
start batch connected card-out -
start batch removed card-in -
start tty insert-prompt card-in 1
start tty cert-menu ctrl-c -
start tty connected ctrl-c-twice -
xkey batch connected sighup -
start batch connected stop-cont -
start batch connected kill-9 -
start batch connected openvpn-killed -
attach batch connected server-restart -
"

# The seam a cell of the full product guards (the subset names its own).
full_seam() {
    case $1:$3:$4 in
        start:pin-prompt:card-out | start:handshake:card-out | attach:pin-prompt:card-out | attach:handshake:card-out) echo 1 ;;
        *:insert-prompt:sigterm) [ "$2" = batch ] && echo 9 || echo - ;;
        *) echo - ;;
    esac
}

matrix_cells() {
    local mode input state fault seam line
    while read -r mode input state fault seam; do
        [ -n "$mode" ] || continue
        cell "$mode/$input/$state/$fault" "$mode" "$input" "$state" "$fault" subset "$seam"
    done <<<"$MATRIX_SUBSET"
    for mode in $MATRIX_MODES; do for input in $MATRIX_INPUTS; do
        for state in $MATRIX_STATES; do for fault in $MATRIX_FAULTS; do
            line="$mode $input $state $fault"
            case $MATRIX_SUBSET in *"$line "*) continue ;; esac
            cell "$mode/$input/$state/$fault" "$mode" "$input" "$state" "$fault" full "$(full_seam "$mode" "$input" "$state" "$fault")"
        done; done
    done; done
}
matrix_cells

# cell_applies MODE INPUT STATE FAULT: false (CELL_NA_WHY says why) when the cell cannot exist.
# shellcheck disable=SC2034  # CELL_NA_WHY is read by run-cell.sh
cell_applies() {
    local mode=$1 input=$2 state=$3 fault=$4
    CELL_NA_WHY=
    case $input:$state in
        batch:pin-prompt | batch:cert-menu)
            CELL_NA_WHY="--batch asks nobody: there is no $state to be in"; return 1 ;;
    esac
    case $state:$fault in
        insert-prompt:card-out | removed:card-out) CELL_NA_WHY="the card is out already"; return 1 ;;
        pin-prompt:card-in | handshake:card-in | cert-menu:card-in | connected:card-in | reconnecting:card-in)
            CELL_NA_WHY="the card is in already"; return 1 ;;
    esac
    return 0
}

# at_prompt: the state is a question to a person.
at_prompt() { [ "$INPUT" = tty ] && case $STATE in pin-prompt | insert-prompt | cert-menu) true ;; *) false ;; esac; }

# answer_prompts_until_connected N S: the person answers what is asked (the menu, the PIN) until the
# N-th Connected, within S seconds.
answer_prompts_until_connected() {
    local n=$1 deadline=$((SECONDS + $2)) last
    while [ "$SECONDS" -le "$deadline" ]; do
        [ "$(connected_count)" -ge "$n" ] && return 0
        ovt_ended && return 1
        if [ "$INPUT" = tty ]; then
            last=$(pty_screen | grep -v '^$' | tail -n 1)
            case $last in
                *"PIN for token 'Test Token':"*) type_pin ;;
                *"Choose a certificate"*) pty_type 1 ;;
            esac
        fi
        sleep 0.5
    done
    return 1
}

# (b) the tunnel down and TOKEN_REMOVED said, within 3 s of the card going (a look every 2 s).
expect_removed() {
    wait_until 3 seen "Token removed: tunnel down" || fail "(b) the tunnel did not go down within 3 s of the card going"
    wait_until 3 status_is TOKEN_REMOVED || fail "(b) status file: $(cat "$T/status" 2>/dev/null | head -n 1)"
    note "down $((SECONDS - CARD_OUT_AT)) s after the card went"
}

# expect_exit CODE[,CODE] S: ovpn-token ends within S s with one of the codes.
expect_exit() {
    ovt_wait_end "$2" || fail "(c) ovpn-token did not end within $2 s of the $FAULT"
    case ",$1," in *",$OVT_RC,"*) ;; *) fail "(g) exit $OVT_RC after the $FAULT, expected $1" ;; esac
}

# cell_expect MODE INPUT STATE FAULT: what must follow the fault (g), and (b) for a card out.
cell_expect() {
    local before
    case $FAULT in
        card-out)
            case $STATE in
                connected) expect_removed; card_in; answer_prompts_until_connected 2 40 || fail "(f) not connected again once the card was back" ;;
                pin-prompt | cert-menu)
                    sleep 1
                    [ "$STATE" = cert-menu ] && pty_type 1
                    sleep 1
                    answer_pin_if_asked
                    # The PIN went to a token that is out: never called refused; insert, PIN, Connected.
                    wait_until 15 seen_re "Please insert|No certificate found|was taken out" \
                        || fail "(g) the card being out was not said"
                    card_in
                    answer_prompts_until_connected 1 60 || fail "(g) not connected once the card was back" ;;
                handshake)
                    wait_until 15 seen_re "Please insert|No certificate found|was taken out|Token removed|Connected" \
                        || fail "(g) nothing said after the card went during the handshake"
                    card_in
                    answer_prompts_until_connected 1 60 || fail "(g) not connected once the card was back" ;;
                reconnecting)
                    sleep 3
                    server_up
                    sleep 4
                    card_in
                    answer_prompts_until_connected 2 60 || fail "(g) not connected again (server and card back)" ;;
            esac ;;
        card-in)
            case $STATE in
                insert-prompt) answer_prompts_until_connected 1 40 || fail "(g) not connected once the card came" ;;
                removed) answer_prompts_until_connected 2 40 || fail "(g) not connected again once the card was back" ;;
            esac ;;
        cert-expired)
            type_pin
            expect_exit 7 30
            seen "The server refused the certificate: it has expired" || fail "(g) the expired certificate was not named"
            before=$(count_of "Authenticating...")
            [ "$before" -le 2 ] || fail "(g) \"Authenticating...\" $before times: spinning" ;;
        ctrl-c | ctrl-c-twice | sigterm | sighup)
            if at_prompt && [ "$FAULT" != sigterm ] && [ "$FAULT" != sighup ]; then
                expect_exit 5 15
                seen "Cancelled" || fail "(g) the cancel was not said"
            elif at_prompt; then
                expect_exit 0,5 15
            else
                expect_exit 0 15
            fi ;;
        stop-cont)
            sleep 2
            ovt_ended && fail "(g) ovpn-token ended after SIGSTOP/SIGCONT (exit $OVT_RC)"
            case $STATE in
                connected) answer_prompts_until_connected 1 20 || fail "(g) not connected after SIGCONT" ;;
                *) : ;;
            esac ;;
        kill-9)
            expect_exit 137 5
            if [ "$MODE" != attach ]; then
                wait_until 10 test -z "$(client_openvpn)" || fail "(e) openvpn still runs 10 s after ovpn-token was killed"
            fi ;;
        openvpn-killed)
            if [ "$MODE" = attach ]; then expect_exit 3,4 15; else expect_exit 3 15; fi
            seen_re "OpenVPN|openvpn" || fail "(g) openvpn's end was not said" ;;
        server-restart)
            case $STATE in
                connected | reconnecting) answer_prompts_until_connected 2 60 || fail "(g) not connected again after the server restarted" ;;
                *) answer_prompts_until_connected 1 60 || fail "(g) not connected after the server restarted" ;;
            esac ;;
    esac
}
