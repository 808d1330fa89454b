from sectool.cli import main

main()
