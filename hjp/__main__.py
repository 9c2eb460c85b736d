from hjp.cli import main

main()
