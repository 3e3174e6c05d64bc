@echo off
rem ovpn-token.cmd: runs ovpn-token.exe (in the same folder) with the given arguments and keeps
rem the console window open when it fails, so that a user who started it from a shortcut can
rem read why.  After a normal end (exit status 0, also after Ctrl-C) the window closes.
rem   ovpn-token.cmd start office
setlocal
"%~dp0ovpn-token.exe" %*
set "rc=%ERRORLEVEL%"
if not "%rc%"=="0" (
    echo.
    echo ovpn-token ended with status %rc%.  Press a key to close this window.
    pause >nul
)
exit /b %rc%
